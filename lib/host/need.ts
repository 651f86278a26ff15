/**
 * What a host must provide for a site to start: the prerequisites its units show (a rootless
 * port below 1024, a mounted podman socket, a device, a host file) and the ones every site of
 * its kind has (linger, subordinate ids, podman and systemd releases). Derived from the tree,
 * never written by hand: see derive.ts.
 */

/** The kinds of prerequisite, in the order docs and `doctor` list them. */
export const PREREQUISITE_KINDS = ['podman', 'systemd', 'subids', 'linger', 'sysctl', 'host-unit', 'device', 'path', 'port'] as const;
export type PrerequisiteKind = (typeof PREREQUISITE_KINDS)[number];

/** How a host path is used. */
export type HostPathType = 'file' | 'folder' | 'executable';

/** One thing the host must provide, with the units that need it and how to provide it. */
export interface Prerequisite {
  /** Stable key: `<kind>:<subject>`, e.g. `sysctl:net.ipv4.ip_unprivileged_port_start`. */
  readonly id: string;
  /** What sort of prerequisite it is. */
  readonly kind: PrerequisiteKind;
  /** What must hold, in one line: `net.ipv4.ip_unprivileged_port_start <= 25`. */
  readonly what: string;
  /** The unit files that need it, sorted (empty for site-wide ones). */
  readonly neededBy: string[];
  /** Why, in a few words: `rootless ports below 1024: caddy.container 80`. */
  readonly why: string;
  /** Where it comes from (host files: a repository, a package, a mount). @default - not said */
  readonly from?: string;
  /** A rendered file of the site's output that provides it (`host/etc/sysctl.d/60-sodimo.conf`). @default - none */
  readonly shipped?: string;
  /** sysctl: the key and the highest value that works. @default - not this kind */
  readonly sysctl?: { readonly key: string; readonly atMost: number };
  /** host-unit: the unit that must be enabled or wanted (`podman.socket`). @default - not this kind */
  readonly unit?: string;
  /** device: the node and the groups the user must be in. @default - not this kind */
  readonly device?: { readonly path: string; readonly groups: string[] };
  /** path: the host path in unit syntax (`%h/...` or absolute) and how it is used. @default - not this kind */
  readonly path?: { readonly path: string; readonly type: HostPathType; readonly template?: string };
  /** port: a host port that must be free before the site starts. @default - not this kind */
  readonly port?: { readonly port: number; readonly address: string; readonly protocol: 'tcp' | 'udp' };
  /** podman, systemd: the oldest release that works. @default - not this kind */
  readonly minVersion?: string;
}

/**
 * A custom construct states what it needs from the host by implementing this; the built-in
 * constructs (containers, services, env files) are read directly.
 */
export interface IHostNeeds {
  hostNeeds(): HostNeed[];
}

/** One need as a construct states it (the site merges them into prerequisites). */
export type HostNeed =
  | { readonly kind: 'sysctl-port'; readonly port: number }
  | { readonly kind: 'host-unit'; readonly unit: string }
  | { readonly kind: 'device'; readonly path: string; readonly groups: string[] }
  | { readonly kind: 'path'; readonly path: string; readonly type: HostPathType; readonly why: string; readonly template?: string }
  | { readonly kind: 'port'; readonly port: number; readonly address: string; readonly protocol: 'tcp' | 'udp' };
