// The real-run harness: boot a Debian 13 machine with systemd and rootless Podman, install a
// synthesized site for its lingering user, start it, check it, report failures, stop everything.
// docs/real-run.md describes the API; test/e2e/run.ts (`npx projen e2e`) is its main user.
export * from './machine';
export * from './rootfs';
export * from './images';
export * from './site';
export * from './prepare';
export * from './units';
export * from './run-site';
export * from './lock';
export { reapStaleMachines } from './reap';
export * from './declared';
export * from './kube';
