import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { chezmoiTargetName } from '../../core/names';
import { Machine, MachineError } from './machine';

/** One systemd unit a site's output makes, under the name `systemctl --user` knows it by. */
export interface SiteUnit {
  /** The systemd unit name (`wiki.service`, `wiki-db-data-volume.service`, `backup.timer`). */
  readonly unit: string;
  /** The file that makes it, relative to the home folder (`.config/containers/systemd/wiki.container`). */
  readonly file: string;
  /** `container`, `volume`, `network`, `pod`, `kube`, `image`, `build`, `service`, `timer` or `target`. */
  readonly kind: string;
  /** The podman container name, for `.container` units. @default - none: not a `.container` unit */
  readonly containerName?: string;
  /** The `Image=` of a `.container` unit. @default - none: not a `.container` unit */
  readonly image?: string;
  /**
   * A oneshot service that a timer starts, or a volume or network only such services (or nothing)
   * use: not expected to be active after the target starts.
   */
  readonly job: boolean;
  /** The unit file's text. */
  readonly text: string;
}

/** A synthesized site read from its output folder, as it would land in a user's home. */
export interface SiteTree {
  /** Files by path relative to the home folder (chezmoi names already turned into real ones). */
  readonly files: Record<string, string>;
  /** The systemd units the files make. */
  readonly units: SiteUnit[];
  /** The site's `.target` (what `systemctl --user start` is given). @default - none: the site has no target */
  readonly target?: string;
}

const QUADLET_SUFFIX: Record<string, string> = {
  container: '', volume: '-volume', network: '-network', pod: '-pod', kube: '', image: '-image', build: '-build',
};

/** The first value of `Key=` in a unit's text. */
export function unitKey(text: string, key: string): string | undefined {
  return new RegExp(`^${key}=(.*)$`, 'm').exec(text)?.[1];
}

/** Every value of `Key=` in a unit's text. */
export function unitKeys(text: string, key: string): string[] {
  return [...text.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].map((m) => m[1]);
}

/**
 * Reads a site's output folder: the home tree (`home/` with chezmoi names in the chezmoi layout,
 * else the folder itself minus `host/`, `docs/` and the manifest) and the units it makes.
 */
export function readSiteTree(outDir: string): SiteTree {
  const chezmoi = fs.existsSync(path.join(outDir, 'home'));
  const base = chezmoi ? path.join(outDir, 'home') : outDir;
  const files: Record<string, string> = {};
  const walk = (dir: string, rel: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (!chezmoi && !rel && (e.name === 'host' || e.name === 'docs' || e.name === '.quadlet-cdk-manifest.json')) continue;
      if (chezmoi && e.name.startsWith('.chezmoi')) continue;
      if (e.isDirectory()) walk(path.join(dir, e.name), r);
      else files[chezmoi ? chezmoiTargetName(r) : r] = fs.readFileSync(path.join(dir, e.name), 'utf8');
    }
  };
  walk(base, '');
  const units: SiteUnit[] = [];
  const timerTargets = new Set<string>();
  for (const [file, text] of Object.entries(files)) {
    const dir = path.posix.dirname(file);
    const ext = path.posix.extname(file).slice(1);
    const stem = path.posix.basename(file, `.${ext}`);
    if (dir === '.config/containers/systemd' && ext in QUADLET_SUFFIX) {
      const unit = `${stem}${QUADLET_SUFFIX[ext]}.service`;
      units.push({
        unit, file, kind: ext, text, job: false,
        containerName: ext === 'container' ? (unitKey(text, 'ContainerName') ?? `systemd-${stem}`) : undefined,
        image: ext === 'container' ? unitKey(text, 'Image') : undefined,
      });
    } else if (dir === '.config/systemd/user' && ['service', 'timer', 'target'].includes(ext)) {
      units.push({ unit: `${stem}.${ext}`, file, kind: ext, text, job: false });
      if (ext === 'timer') timerTargets.add(unitKey(text, 'Unit') ?? `${stem}.service`);
    }
  }
  const jobs = units.map((u) => (timerTargets.has(u.unit) && /^Type=oneshot$/m.test(u.text) ? { ...u, job: true } : u));
  // A volume or network starts when a unit that uses it starts: one that only jobs use stays
  // inactive until a job runs, like the job.
  const marked = jobs.map((u) => {
    if (u.kind !== 'volume' && u.kind !== 'network') return u;
    const names = [path.posix.basename(u.file), u.unit].map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
    const mention = new RegExp(`(^|[\\s=,])(${names})(?=[\\s:,]|$)`, 'm');
    const users = jobs.filter((o) => o !== u && mention.test(o.text));
    return users.every((o) => o.job) ? { ...u, job: true } : u;
  });
  marked.sort((a, b) => a.unit.localeCompare(b.unit));
  return { files, units: marked, target: marked.find((u) => u.kind === 'target')?.unit };
}

/**
 * Makes an env file from its template: every empty `KEY=` that a `# secret:` comment announces gets
 * the run's secret (one value for all, so "the same value as" holds across files). Nothing else changes.
 */
export function fillEnvTemplate(template: string, secret: string): string {
  const out: string[] = [];
  let secretNext = false;
  for (const line of template.split('\n')) {
    if (/^#\s*secret:/.test(line)) {
      secretNext = true;
      out.push(line);
      continue;
    }
    const m = /^([A-Za-z_][A-Za-z0-9_]*)=$/.exec(line);
    out.push(m && secretNext ? `${m[1]}=${secret}` : line);
    if (!line.startsWith('#')) secretNext = false;
  }
  return out.join('\n');
}

/** The podman secrets a site's `<site>-secrets.service` checks: made by the unit, or by the operator. */
export interface SiteSecretNames {
  /** Created with a random value by the secrets unit on the first start (`Secret({ generate: true })`). */
  readonly generated: string[];
  /** The operator creates them once (`podman secret create <name> -`); the unit fails without them. */
  readonly operator: string[];
}

/** Reads the secrets a site declares from its secrets unit's script. */
export function siteSecrets(tree: SiteTree): SiteSecretNames {
  const generated: string[] = [];
  const operator: string[] = [];
  for (const u of tree.units.filter((x) => x.kind === 'service' && x.unit.endsWith('-secrets.service'))) {
    for (const m of u.text.matchAll(/podman secret exists '([^']+)' \|\| (\{)?/g)) (m[2] ? operator : generated).push(m[1]);
  }
  return { generated: [...new Set(generated)].sort(), operator: [...new Set(operator)].sort() };
}

/** Options of `installSite`. */
export interface InstallOptions {
  /** The value every env-file secret and every operator secret gets. @default a random one per call */
  readonly secret?: string;
}

/** A site installed in a machine's user home. */
export interface InstalledSite extends SiteTree {
  /** The site's name. */
  readonly name: string;
  /** The value every env-file secret and operator secret got (a test value, never a real one). */
  readonly secret: string;
  /** The podman secrets the site declares; the operator ones exist, the generated ones are its secrets unit's to make. */
  readonly secrets: SiteSecretNames;
}

/** A podman secret's value as the site user's podman holds it, or undefined when there is none. */
export function readPodmanSecret(m: Machine, name: string): string | undefined {
  const r = m.user(['podman', 'secret', 'inspect', '--showsecret', '--format', '{{.SecretData}}', name], { timeoutMs: 30000 });
  return r.status === 0 ? r.stdout.replace(/\n$/, '') : undefined;
}

/**
 * Copies a site's home tree into the machine user's home, makes each `*.env` from its
 * `*.env.tmpl` with a test secret, creates the podman secrets the operator would create (as
 * `podman secret create <name> -` from standard input, never a file), and runs
 * `systemctl --user daemon-reload` so the quadlet generator turns the units into services. The
 * generated secrets are left to the site's own `<site>-secrets.service`, which the containers
 * require. Install after the images exist: units already present at a reload would try to pull.
 */
export function installSite(m: Machine, name: string, outDir: string, options: InstallOptions = {}): InstalledSite {
  const tree = readSiteTree(outDir);
  if (!tree.units.length) throw new MachineError(`${outDir}: no units found (is it a synthesized site's output folder?)`);
  const secret = options.secret ?? crypto.randomBytes(12).toString('hex');
  for (const [rel, content] of Object.entries(tree.files)) {
    m.writeFile(`${m.home}/${rel}`, content);
    if (rel.endsWith('.env.tmpl')) m.writeFile(`${m.home}/${rel.slice(0, -'.tmpl'.length)}`, fillEnvTemplate(content, secret), { mode: 0o600 });
  }
  const secrets = siteSecrets(tree);
  for (const s of secrets.operator) {
    m.user(['/bin/sh', '-c', 'podman secret exists "$1" || podman secret create "$1" - >/dev/null', 'sh', s], { check: true, input: secret, timeoutMs: 30000 });
  }
  m.user(['systemctl', '--user', 'daemon-reload'], { check: true, timeoutMs: 60000 });
  return { ...tree, name, secret, secrets };
}
