import { Reporter } from '../core/diagnostics';
import { literalOf, UnitValue } from '../render/systemd-value';
import './codes';

/** The `GroupAdd=` value that keeps the user's supplementary groups instead of adding one. */
export const KEEP_GROUPS = 'keep-groups';

/**
 * QUADLET036: `keep-groups` stands alone. Podman (`podman run`, exit 125) and buildah (every
 * `RUN` step of a build) refuse it beside any other group, while the generator passes both on.
 */
export function checkKeepGroupsAlone(groups: readonly UnitValue[] | undefined, what: string, refusedBy: string, report: Reporter): void {
  const names = (groups ?? []).map((g) => literalOf(g));
  if (!names.includes(KEEP_GROUPS) || names.length < 2) return;
  const others = names.filter((n) => n !== KEEP_GROUPS);
  report('QUADLET036', `${what} sets GroupAdd=keep-groups with ${others.length ? `other groups (${others.join(', ')})` : 'keep-groups again'}: ${refusedBy} refuses the combination`);
}
