/**
 * Thin wrappers around the external validators the test suite uses to check
 * synthesized output: podman's quadlet generator, `systemd-analyze` and
 * `caddy`. Install them with `scripts/ensure-validators.sh` (cached in the
 * repo-local `.tools/`). Every wrapper writes its inputs into a fresh temp
 * dir, runs the tool there and removes the dir again.
 *
 * Node builtins only, so it can run before/without any dependency install.
 */
export { findQuadlets, findValidators, quadletFor, quadletVersion, requireValidators } from './tools';
export type { QuadletGenerator, ValidatorPaths } from './tools';
export * from './quadlet-tool';
export * from './systemd-tool';
export * from './caddy-tool';
