/**
 * The systemd units a site's installed files make, and which files each unit reads: its own unit
 * file, its drop-ins, and every file or folder its settings name (`EnvironmentFile=`, `Volume=`,
 * `Mount=`, `Yaml=`, `ExecStart=` ...). Read from the files themselves, so it works the same on
 * what synth produces and on what is installed, and for raw entries a construct does not know.
 */
import { sha256 } from '../core/output';
import { InstallTree, quadletDir, runtimePath, systemdDir } from './install-tree';

/** One systemd unit of a site, under the name systemctl knows it by. */
export interface DeployUnit {
  /** `web.service`, `data-volume.service`, `backup.timer`, `sodimo.target`. */
  readonly unit: string;
  /** The unit file, relative to the root. */
  readonly file: string;
  /** The file's type: `container`, `volume`, `network`, `pod`, `kube`, `image`, `build`, `artifact`, `service`, `timer`, `target`, ... */
  readonly kind: string;
  /** The other files it reads (drop-ins, env files, mounted files), relative to the root, sorted. */
  readonly reads: readonly string[];
  /** Units it needs strongly (`Requires=`, `BindsTo=`, and quadlet's implicit ones): their restart restarts it. */
  readonly requires: readonly string[];
  /** Every unit it starts after (`After=` and every strength). */
  readonly after: readonly string[];
  /** It has a reload command (`ExecReload=` or quadlet's `ReloadCmd=`/`ReloadSignal=`). */
  readonly reloadable: boolean;
  /** A oneshot run (a timer's job): never restarted on a change, it reads its files on its next run. */
  readonly job: boolean;
  /** It has an `[Install]` section (a boot target wants it): a new one is started. */
  readonly installed: boolean;
  /** A `.container` with a health check (`HealthCmd=`). */
  readonly healthCheck: boolean;
  /** A quadlet unit (made by the generator: it cannot be enabled, its [Install] is the generator's). */
  readonly quadlet: boolean;
  /**
   * A `.container`'s podman container name.
   * @default - not a container
   */
  readonly containerName?: string;
  /**
   * A `.volume`'s podman volume name.
   * @default - not a volume
   */
  readonly volumeName?: string;
  /**
   * sha256 of the other files it reads (what `X-QuadletCdk-Hash=` holds).
   * @default - it reads no other file
   */
  readonly inputsHash?: string;
  /** sha256 of the unit file and everything it reads: changes exactly when the unit must restart. */
  readonly stateHash: string;
}

/** What each quadlet file type's service is called (quadlet's naming). */
const QUADLET_TYPES: Record<string, string> = {
  container: '', kube: '', volume: '-volume', network: '-network', pod: '-pod', image: '-image', build: '-build', artifact: '-artifact',
};
const PLAIN_TYPES = new Set(['service', 'timer', 'target', 'socket', 'path']);
/** The quadlet section of each type, for `ServiceName=` and the implicit dependencies. */
const SECTION: Record<string, string> = {
  container: 'Container', kube: 'Kube', volume: 'Volume', network: 'Network', pod: 'Pod', image: 'Image', build: 'Build', artifact: 'Artifact',
};

/** One `Key=value` of a unit file, with its section. */
interface Entry {
  readonly section: string;
  readonly key: string;
  readonly value: string;
}

/** The entries of a unit file (comments skipped, `\` continuations joined). */
export function unitEntries(text: string): Entry[] {
  const out: Entry[] = [];
  let section = '';
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i].trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    while (line.endsWith('\\') && i + 1 < lines.length) line = `${line.slice(0, -1)} ${lines[++i].trim()}`;
    const head = /^\[(.+)\]$/.exec(line);
    if (head) {
      section = head[1];
      continue;
    }
    const eq = line.indexOf('=');
    if (eq > 0) out.push({ section, key: line.slice(0, eq).trim(), value: line.slice(eq + 1).trim() });
  }
  return out;
}

const valuesOf = (entries: readonly Entry[], section: string, key: string) =>
  entries.filter((e) => e.section === section && e.key === key).map((e) => e.value);
const unitList = (values: readonly string[]) => values.flatMap((v) => v.split(/\s+/)).filter((u) => u !== '');

/** The file name and type of a unit file under the quadlet or systemd folder, or undefined. */
function unitFileOf(tree: InstallTree, file: string): { kind: string; stem: string; quadlet: boolean } | undefined {
  const qdir = `${quadletDir(tree.facts)}/`;
  const sdir = `${systemdDir(tree.facts)}/`;
  const base = file.slice(file.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  if (dot <= 0) return undefined;
  const kind = base.slice(dot + 1);
  const stem = base.slice(0, dot);
  // Quadlet reads units in subfolders too; systemd only reads its folder itself.
  if (file.startsWith(qdir) && kind in QUADLET_TYPES && !file.slice(qdir.length).split('/').some((p) => p.endsWith('.d'))) return { kind, stem, quadlet: true };
  if (file.startsWith(sdir) && !file.slice(sdir.length).includes('/') && PLAIN_TYPES.has(kind)) return { kind, stem, quadlet: false };
  return undefined;
}

/**
 * sha256 over the paths and contents of `paths` (sorted), one line each. `fileHashes` keeps each
 * file's own hash for the next call (a unit's input and state hashes read the same files).
 */
export function hashOf(tree: InstallTree, paths: readonly string[], fileHashes: Map<string, string> = new Map()): string {
  const fileHash = (p: string) => {
    let h = fileHashes.get(p);
    if (h === undefined) fileHashes.set(p, (h = sha256(tree.files.get(p) ?? '')));
    return h;
  };
  return sha256([...paths].sort().map((p) => `${p}\0${fileHash(p)}\n`).join(''));
}

/**
 * The files a unit's entries (its file's and its drop-ins') name: a token `%h/x` (rootless) or `/x` (rootful), or `./x` beside a
 * quadlet unit, that is a file of the tree, a folder holding some, or an `x.env` whose template
 * `x.env.tmpl` the tree holds (the host's env file is made from it).
 */
function namedFiles(tree: InstallTree, index: FolderIndex, unitFile: string, entries: readonly Entry[]): string[] {
  const found = new Set<string>();
  const dir = unitFile.slice(0, unitFile.lastIndexOf('/'));
  const prefix = runtimePath(tree.facts, '');
  const home = tree.facts.rootless;
  for (const e of entries) {
    // A token can start so only in a value that holds the start: most values need no split.
    if (!e.value.includes(prefix) && !e.value.includes('./') && !(home && e.value.includes('%E/'))) continue;
    for (const token of e.value.split(/[\s:,;"'=]+/)) {
      let p: string | undefined;
      if (token.startsWith(prefix) && token.length > prefix.length) p = token.slice(prefix.length);
      else if (token.startsWith('./') && token.length > 2) p = `${dir}/${token.slice(2)}`;
      else if (home && token.startsWith('%E/')) p = `.config/${token.slice(3)}`;
      if (p === undefined) continue;
      p = p.replace(/\/+$/, '');
      if (tree.files.has(p)) found.add(p);
      else if (tree.files.has(`${p}.tmpl`) && p.endsWith('.env')) found.add(`${p}.tmpl`);
      else for (const f of index.under.get(p) ?? []) found.add(f);
    }
  }
  found.delete(unitFile);
  return [...found].sort();
}

/** The tree's files by folder, built once per tree so that each unit's lookups stay linear. */
interface FolderIndex {
  /** Folder (no trailing `/`) -> every file below it, at any depth. */
  readonly under: ReadonlyMap<string, readonly string[]>;
  /** Folder (with its trailing `/`) -> the `.conf` files directly in it (drop-ins). */
  readonly confs: ReadonlyMap<string, readonly string[]>;
}

function folderIndex(files: readonly string[]): FolderIndex {
  const under = new Map<string, string[]>();
  const confs = new Map<string, string[]>();
  for (const f of files) {
    for (let i = f.indexOf('/'); i > 0; i = f.indexOf('/', i + 1)) {
      const folder = f.slice(0, i);
      const list = under.get(folder);
      if (list) list.push(f);
      else under.set(folder, [f]);
    }
    if (f.endsWith('.conf')) {
      const folder = f.slice(0, f.lastIndexOf('/') + 1);
      const list = confs.get(folder);
      if (list) list.push(f);
      else confs.set(folder, [f]);
    }
  }
  return { under, confs };
}

/**
 * The drop-in folders a unit reads, each ending in `/`: its own (`web.container.d/`); for a quadlet
 * unit also its template's (`worker@.container.d/` for `worker@a.container`), its type's
 * (`container.d/`) and one per dash prefix of its name (`web-.container.d/` for `web-api`).
 */
export function dropInDirs(file: string, stem: string, kind: string, quadlet: boolean): string[] {
  const dir = file.slice(0, file.lastIndexOf('/') + 1);
  const out = [`${file}.d/`];
  if (!quadlet) return out;
  const at = stem.indexOf('@');
  if (at > 0 && at < stem.length - 1) out.push(`${dir}${stem.slice(0, at + 1)}.${kind}.d/`);
  out.push(`${dir}${kind}.d/`);
  for (let i = stem.indexOf('-'); i > 0; i = stem.indexOf('-', i + 1)) out.push(`${dir}${stem.slice(0, i + 1)}.${kind}.d/`);
  return out;
}

/** Every unit the tree makes, sorted by unit name. */
export function unitsOf(tree: InstallTree): DeployUnit[] {
  const files = [...tree.files.keys()];
  const index = folderIndex(files);
  const found: Array<{ file: string; kind: string; stem: string; quadlet: boolean; entries: Entry[] }> = [];
  for (const file of files) {
    const u = unitFileOf(tree, file);
    if (u) found.push({ file, ...u, entries: unitEntries(tree.files.get(file)!) });
  }
  // Quadlet names other units by file name (`Network=edge.network`): map them to their services.
  const serviceOfFile = new Map<string, string>();
  const nameOf = (f: (typeof found)[number]) => {
    if (!f.quadlet) return `${f.stem}.${f.kind}`;
    const own = valuesOf(f.entries, SECTION[f.kind], 'ServiceName')[0];
    return `${own ?? `${f.stem}${QUADLET_TYPES[f.kind]}`}.service`;
  };
  for (const f of found) serviceOfFile.set(`${f.stem}.${f.kind}`, nameOf(f));
  const fileHashes = new Map<string, string>();

  return found.map((f): DeployUnit => {
    const dirs = dropInDirs(f.file, f.stem, f.kind, f.quadlet);
    // In file order, as the tree holds them (sorted), whatever the order of the folders.
    const dropIns = [...new Set(dirs.flatMap((d) => index.confs.get(d) ?? []))].sort();
    const entries = [...f.entries, ...dropIns.flatMap((p) => unitEntries(tree.files.get(p)!))];
    const named = namedFiles(tree, index, f.file, entries).filter((p) => !dropIns.includes(p));
    const reads = [...new Set([...dropIns, ...named])].sort();
    const implicit = f.quadlet
      ? entries.filter((e) => e.section === SECTION[f.kind] && ['Network', 'Volume', 'Pod', 'Image', 'Mount'].includes(e.key))
        .flatMap((e) => quadletFileNames(e.value).map((name) => serviceOfFile.get(name)))
        .filter((u): u is string => u !== undefined)
      : [];
    const strong = [...unitList(valuesOf(entries, 'Unit', 'Requires')), ...unitList(valuesOf(entries, 'Unit', 'BindsTo')), ...implicit];
    const after = [...strong, ...unitList(valuesOf(entries, 'Unit', 'Wants')), ...unitList(valuesOf(entries, 'Unit', 'After'))];
    const unit = nameOf(f);
    const type = valuesOf(entries, 'Service', 'Type').pop();
    const remain = /^(yes|true|1|on)$/i.test(valuesOf(entries, 'Service', 'RemainAfterExit').pop() ?? '');
    return {
      unit,
      file: f.file,
      kind: f.kind,
      reads,
      requires: [...new Set(strong)].filter((u) => u !== unit).sort(),
      after: [...new Set(after)].filter((u) => u !== unit).sort(),
      reloadable: entries.some((e) => (e.section === 'Service' && e.key === 'ExecReload') || (f.quadlet && ['ReloadCmd', 'ReloadSignal'].includes(e.key))),
      job: type === 'oneshot' && !remain && ['container', 'service', 'kube'].includes(f.kind),
      installed: entries.some((e) => e.section === 'Install' && ['WantedBy', 'RequiredBy', 'UpheldBy'].includes(e.key)),
      healthCheck: f.kind === 'container' && entries.some((e) => e.section === 'Container' && e.key === 'HealthCmd' && e.value !== '' && e.value !== 'none'),
      quadlet: f.quadlet,
      containerName: f.kind === 'container' ? (valuesOf(entries, 'Container', 'ContainerName')[0] ?? `systemd-${f.stem}`) : undefined,
      volumeName: f.kind === 'volume' ? (valuesOf(entries, 'Volume', 'VolumeName')[0] ?? `systemd-${f.stem}`) : undefined,
      inputsHash: named.length ? hashOf(tree, named, fileHashes) : undefined,
      stateHash: hashOf(tree, [f.file, ...reads], fileHashes),
    };
  }).sort((a, b) => (a.unit < b.unit ? -1 : a.unit > b.unit ? 1 : 0));
}

/**
 * `units` in dependency order: every unit after the units it starts after (those of the list).
 * Ties, and units on a cycle, keep name order.
 */
export function dependencyOrder(units: readonly DeployUnit[]): DeployUnit[] {
  const byName = new Map(units.map((u) => [u.unit, u]));
  const out: DeployUnit[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (u: DeployUnit) => {
    if (state.has(u.unit)) return;
    state.set(u.unit, 'visiting');
    for (const d of u.after) {
      const dep = byName.get(d);
      if (dep) visit(dep);
    }
    state.set(u.unit, 'done');
    out.push(u);
  };
  for (const u of units) visit(u);
  return out;
}

const QUADLET_SUFFIX = /\.(?:network|volume|pod|image|build|container|artifact)(?!\w)/g;

/**
 * Quadlet file names (`edge.network`, `data.volume:/srv:Z`) in a value: in each word, the longest
 * prefix ending in a quadlet suffix. One pass; a regular expression that backtracks over a word
 * took seconds on a 100 KB image reference.
 * @internal
 */
export function quadletFileNames(value: string): string[] {
  const out: string[] = [];
  for (const word of value.split(/[^\w.@-]+/)) {
    let end = 0;
    for (const m of word.matchAll(QUADLET_SUFFIX)) if (m.index! > 0) end = m.index! + m[0].length;
    if (end > 0) out.push(word.slice(0, end));
  }
  return out;
}
