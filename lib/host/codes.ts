import { defineCodes } from '../core/diagnostics';

/** Diagnostics about what the host must provide. Stable: never renumber, only add. */
export const HOST_CODES = defineCodes({
  HOST001: { title: 'invalid host file declaration', hint: 'give an absolute path or home(...), and say where the file comes from (a repository, a package, a mount) in from' },
  HOST002: { title: 'host file declared but used by no unit', hint: 'remove the HostFile, or fix its path to the one a unit mounts or runs', severity: 'warning' },
});
