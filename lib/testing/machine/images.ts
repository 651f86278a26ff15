import * as fs from 'fs';
import * as path from 'path';
import { Machine, MachineError } from './machine';
import { SCRIPTS_DIR } from './rootfs';
import { unitKey, unitKeys } from './site';

/**
 * What a stand-in image runs. Every one is made of Debian's own binaries (copied with their shared
 * libraries into /var/lib/quadlet-cdk-e2e/standin.tar when the rootfs is built), so no registry is
 * needed:
 * - `postgres`: PostgreSQL with the official image's contract (POSTGRES_USER, POSTGRES_PASSWORD,
 *   POSTGRES_DB, PGDATA; initializes an empty data folder, keeps data across restarts).
 * - `valkey`: valkey-server (also answers as redis-server/redis-cli), data in /data.
 * - `caddy`: caddy run with /etc/caddy/Caddyfile, like the official image.
 * - `app`: a busybox httpd answering APP_NAME on PORT, whose /cgi-bin/check logs in to the
 *   database (DB_HOST, DB_PORT, DB_USER, DB_NAME, DB_PASS) and pings the cache (REDIS_HOST).
 * - `busybox`: a shell and the busybox applets, like the official image: `sh` follows PATH and
 *   `nc -z` works.
 * - `stay-up`: stays up whatever entrypoint or command it is given; every later process (a health
 *   command, an exec) exits 0, shell-form ones included (`/bin/sh` is the stand-in too; use
 *   `/bin/busybox sh` for a real shell). For structural runs of sites whose real images are unavailable.
 */
export type StandInRole = 'postgres' | 'valkey' | 'caddy' | 'app' | 'busybox' | 'stay-up';

const BASE = 'localhost/quadlet-cdk-e2e/base:1';
const STANDIN = 'localhost/quadlet-cdk-e2e/standin:1';

/** The image configuration of each role, on top of the stand-in tree. */
const ROLE_CONFIG: Record<StandInRole, string[]> = {
  // The server runs as postgres (999); podman gives a new volume the owner of the image's folder.
  'postgres': [
    'COPY --chown=999:999 empty/ /var/lib/postgresql/data/', 'COPY --chown=999:999 empty/ /var/run/postgresql/', 'USER 999:999',
    'ENV PGDATA=/var/lib/postgresql/data', 'STOPSIGNAL SIGINT', 'ENTRYPOINT ["/usr/local/bin/standin-postgres"]', 'CMD ["postgres"]',
  ],
  'valkey': ['ENTRYPOINT ["/usr/local/bin/standin-valkey"]', 'CMD ["valkey-server"]'],
  'caddy': ['ENV XDG_CONFIG_HOME=/config XDG_DATA_HOME=/data', 'CMD ["caddy", "run", "--config", "/etc/caddy/Caddyfile", "--adapter", "caddyfile"]'],
  'app': ['ENTRYPOINT ["/usr/local/bin/standin-app"]'],
  // Debian's static busybox runs its own applets before PATH and its nc has no -z; the official
  // image's shell follows PATH and its nc has -z. `sh` (dash) and `nc` in /usr/local/bin make it so.
  'busybox': ['COPY busybox-path/ /usr/local/bin/', 'CMD ["/bin/sh"]'],
  // busybox's sh runs its own applets before PATH (`grep` in `redis-cli ping | grep -q PONG`
  // would be the real one), so the stand-in is /bin/sh too: every shell-form health command succeeds.
  'stay-up': [
    'COPY aliases/ /usr/local/bin/', 'COPY group /etc/group', 'COPY standin-ports /etc/standin-ports',
    'RUN ["/bin/busybox", "sh", "-c", "rm /usr/bin/sh && cp /usr/local/bin/standin-stay-up /usr/bin/sh"]',
    'ENTRYPOINT ["/usr/local/bin/standin-stay-up"]',
  ],
};

/** Options of `buildStandIns`. */
export interface StandInOptions {
  /**
   * Command names the `stay-up` image must answer to (an `Entrypoint=` such as `node`, the first
   * word of a `HealthCmd=` such as `python3`): each becomes the stay-up script under that name.
   * @default []
   */
  readonly aliases?: string[];
  /**
   * Group names the `stay-up` image's /etc/group must hold (a unit's `GroupAdd=video` fails to
   * start when the image has no such group). @default []
   */
  readonly groups?: string[];
  /**
   * Ports each `stay-up` container answers HTTP on with its own name, by container name
   * (`{ openwebui: [8080] }`), so that routes can be traced to the container that answers.
   * @default {} (no container answers)
   */
  readonly ports?: Record<string, number[]>;
}

/**
 * Builds the stand-in images in the site user's Podman storage and tags each role's image to every
 * reference given for it (`{ 'docker.io/library/postgres:16.4': 'postgres', ... }`), so units
 * find their `Image=` locally and never pull. Returns the seconds it took.
 */
export function buildStandIns(m: Machine, images: Record<string, StandInRole>, options: StandInOptions = {}): number {
  const t0 = Date.now();
  const ctx = `${m.home}/.cache/quadlet-cdk-e2e/context`;
  const roles = [...new Set(Object.values(images))].sort();
  const srcDir = path.join(SCRIPTS_DIR, 'e2e-standin');
  for (const f of fs.readdirSync(srcDir)) m.writeFile(`${ctx}/${f}`, fs.readFileSync(path.join(srcDir, f)), { mode: 0o755 });
  const stayUp = fs.readFileSync(path.join(srcDir, 'standin-stay-up'));
  fs.mkdirSync(m.hostPath(`${ctx}/aliases`), { recursive: true });
  fs.mkdirSync(m.hostPath(`${ctx}/empty`), { recursive: true });
  for (const a of options.aliases ?? []) {
    if (!/^[A-Za-z0-9._+-]+$/.test(a)) throw new MachineError(`stay-up alias "${a}" is not a command name`);
    m.writeFile(`${ctx}/aliases/${a}`, stayUp, { mode: 0o755 });
  }
  const groups = ['root:x:0:', 'postgres:x:999:', 'nogroup:x:65534:'];
  (options.groups ?? []).forEach((g, i) => {
    if (!/^[a-z_][a-z0-9_-]*$/.test(g)) throw new MachineError(`stay-up group "${g}" is not a group name`);
    groups.push(`${g}:x:${2000 + i}:`);
  });
  m.writeFile(`${ctx}/group`, `${groups.join('\n')}\n`);
  const ports = Object.entries(options.ports ?? {}).filter(([, list]) => list.length).sort(([a], [b]) => (a < b ? -1 : 1));
  for (const [name, list] of ports) {
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name) || list.some((p) => !Number.isInteger(p) || p < 1 || p > 65535)) throw new MachineError(`stay-up ports for "${name}" are not a container name and ports`);
  }
  m.writeFile(`${ctx}/standin-ports`, ports.map(([name, list]) => `${name} ${list.join(' ')}\n`).join(''));
  // dash from the machine itself (it needs only the C library, which the stand-in tree has).
  m.writeFile(`${ctx}/busybox-path/sh`, fs.readFileSync(m.hostPath('/usr/bin/dash')), { mode: 0o755 });
  m.writeFile(`${ctx}/busybox-path/nc`, fs.readFileSync(path.join(srcDir, 'standin-nc')), { mode: 0o755 });
  m.writeFile(`${ctx}/Containerfile`, `FROM ${BASE}\nCOPY standin-* /usr/local/bin/\n`);
  for (const role of roles) m.writeFile(`${ctx}/Containerfile.${role}`, [`FROM ${STANDIN}`, ...ROLE_CONFIG[role], ''].join('\n'));
  m.chownToUser(`${m.home}/.cache`);

  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const script = [
    'set -eu',
    `cd ${q(ctx)}`,
    `podman import -q /var/lib/quadlet-cdk-e2e/standin.tar ${BASE} >/dev/null`,
    `podman build -q --pull=never -f Containerfile -t ${STANDIN} . >/dev/null`,
    ...roles.map((r) => `podman build -q --pull=never -f Containerfile.${r} -t localhost/quadlet-cdk-e2e/${r}:1 . >/dev/null`),
    ...Object.entries(images).map(([ref, role]) => `podman tag localhost/quadlet-cdk-e2e/${role}:1 ${q(ref)}`),
  ].join('\n');
  m.userSh(script, { check: true, timeoutMs: 300000 });
  return (Date.now() - t0) / 1000;
}

/**
 * What the `stay-up` stand-in needs to run a site's units structurally: the command names its
 * units invoke (each `Entrypoint=`, and every command of each `HealthCmd=` pipeline, so that
 * `redis-cli ping | grep -q PONG` passes) and the group names of `GroupAdd=`.
 */
export function stayUpNeeds(units: ReadonlyArray<{ readonly text: string }>): Required<Pick<StandInOptions, 'aliases' | 'groups'>> {
  const aliases = new Set<string>();
  const groups = new Set<string>();
  for (const u of units) {
    for (const g of unitKeys(u.text, 'GroupAdd')) if (!/^\d+$/.test(g) && g !== 'keep-groups') groups.add(g);
    const ep = unitKey(u.text, 'Entrypoint');
    if (ep) aliases.add(ep.startsWith('[') ? (JSON.parse(ep) as string[])[0] : ep.split(/\s+/)[0]);
    const hc = unitKey(u.text, 'HealthCmd');
    if (hc) for (const c of commandNames(hc)) aliases.add(c);
  }
  // Names the stand-in's own machinery needs stay themselves.
  const keep = new Set(['sh', 'busybox', 'env']);
  return { aliases: [...aliases].filter((a) => !a.startsWith('/') && !keep.has(a) && /^[A-Za-z0-9._+-]+$/.test(a)).sort(), groups: [...groups].sort() };
}

/**
 * The command names a health command runs: the first word of each part of a shell pipeline or
 * list (`a | b && c; d`), after variable assignments; or the command of the JSON form
 * (`["CMD", "curl", ...]`, `["CMD-SHELL", "..."]`).
 */
export function commandNames(cmd: string): string[] {
  const t = cmd.trim();
  if (t.startsWith('[')) {
    try {
      const argv = JSON.parse(t) as string[];
      if (argv[0] === 'CMD-SHELL') return commandNames(argv[1] ?? '');
      const first = argv[0] === 'CMD' ? argv[1] : argv[0];
      return first ? [first] : [];
    } catch {
      // not JSON after all: read it as a shell command
    }
  }
  const names: string[] = [];
  // Quoted text and redirections (`2>&1`, `>/dev/null`) hold no command names or separators.
  const bare = t.replace(/'[^']*'|"(?:[^"\\]|\\.)*"/g, 'Q').replace(/\d*[<>]+&?\d*/g, ' ');
  for (const part of bare.split(/\|\||&&|[|;&]/)) {
    const word = part.trim().split(/\s+/).find((w) => w && !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w) && !/^\d*[<>]/.test(w));
    if (word) names.push(word.replace(/^["']|["']$/g, ''));
  }
  return [...new Set(names)];
}
