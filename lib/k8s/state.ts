import { Site } from '../core/site';
import { literalOf, SystemdText, UnitValue } from '../render/systemd-value';
import { EnvFile } from '../quadlet/env-file';
import { Secret } from '../quadlet/secret';
import { IVolume } from '../quadlet/volume';
import { ManifestSet } from './manifests';
import { KubernetesOptions } from './options';

/** A generated file a container mounts, found by the path the unit gives. */
export interface GeneratedMount {
  /** The file's name. */
  readonly name: string;
  /** The file's content. */
  readonly content: string;
  /** The path of the construct that renders it. */
  readonly constructPath: string;
}

/** One `secretGenerator` entry of the kustomization. */
export interface SecretSource {
  /** The Secret's name. */
  readonly name: string;
  /** `envs` (an env file) or `files` (one podman secret, key = its name). */
  readonly kind: 'envs' | 'files';
  /** Relative to the k8s folder: `secrets/<name>.env` or `secrets/<name>`. */
  readonly path: string;
  /** Where the value lives on the podman host, for the comment and the docs. */
  readonly hostSource: string;
}

/**
 * What the backend knows of one site while it maps it: options, the objects so far, the secret
 * sources and claims that workloads use, and the generated files they mount.
 */
export class SiteState {
  public readonly manifests: ManifestSet;
  public readonly secrets = new Map<string, SecretSource>();
  private readonly claims = new Map<string, { name: string; readWriteOnce: boolean; volume: IVolume }>();
  private readonly configMaps = new Map<string, { data: Record<string, string>; constructPath: string }>();

  public constructor(
    public readonly site: Site,
    public readonly opts: KubernetesOptions,
    private readonly generated: (path: string) => GeneratedMount | undefined,
  ) {
    this.manifests = new ManifestSet(opts.namespace ?? site.name, site.name);
  }

  public get nodeName(): string {
    return this.opts.nodeName ?? this.site.name;
  }

  /** A generated file mounted from `./name` (beside the units), if one of the site's constructs writes it. */
  public generatedFile(source: string): GeneratedMount | undefined {
    if (!source.startsWith('./')) return undefined;
    const found = this.generated(this.site.pathOf('quadlet', source.slice(2)));
    // The key is the name the container sees, not the output name (chezmoi may prefix it).
    return found && { ...found, name: source.slice(2).split('/').pop()! };
  }

  /** A host path with `%h` expanded (kubernetes.hostHome); undefined when it cannot be. */
  public hostPathOf(v: UnitValue): string | undefined {
    const text = literalOf(v);
    if (!SystemdText.is(v)) return text;
    if (!/%[^%]/.test(text)) return text.replace(/%%/g, '%');
    const home = this.opts.hostHome;
    if (home === undefined || /%[^h%]/.test(text)) return undefined;
    return text.replace(/%h/g, home.replace(/\/$/, '')).replace(/%%/g, '%');
  }

  /** The claim a volume mount uses (created once per volume). */
  public claimFor(volume: IVolume): { name: string; readWriteOnce: boolean } {
    let c = this.claims.get(volume.volumeName);
    if (!c) {
      const mode = this.opts.volumes?.[volume.volumeName]?.accessMode ?? 'ReadWriteOnce';
      c = { name: volume.volumeName, readWriteOnce: mode !== 'ReadWriteMany', volume };
      this.claims.set(volume.volumeName, c);
    }
    return c;
  }

  /** Claims mounted by some workload, by name. */
  public get usedClaims(): string[] {
    return [...this.claims.keys()].sort();
  }

  /** A ConfigMap's data, written once; false when the name is taken by other data. */
  public addConfigMap(name: string, data: Record<string, string>, constructPath: string): boolean {
    const prior = this.configMaps.get(name);
    if (prior) return JSON.stringify(prior.data) === JSON.stringify(data);
    this.configMaps.set(name, { data, constructPath });
    return true;
  }

  public get configMapList(): Array<[string, { data: Record<string, string>; constructPath: string }]> {
    return [...this.configMaps.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  }

  /** The non-secret values of an env file (its ConfigMap `<name>-env`), or undefined when it has none. */
  public envFileConfigMap(f: EnvFile): Record<string, string> | undefined {
    const values = f.variables.filter((v) => !f.secretNames.includes(v));
    if (values.length === 0) return undefined;
    const data = Object.fromEntries(values.map((v) => [v, f.valueOf(v) ?? '']));
    this.addConfigMap(`${f.name}-env`, data, f.node.path);
    this.useEnvFile(f);
    return data;
  }

  /** The env file's Secret: kustomize's secretGenerator reads the same .env the host uses. */
  public useEnvFile(f: EnvFile): void {
    if (f.secretNames.length === 0 || this.secrets.has(f.name)) return;
    this.secrets.set(f.name, { name: f.name, kind: 'envs', path: `secrets/${f.name}.env`, hostSource: literalOf(f.hostPath).replace(/^%h\//, '~/') });
  }

  /** A podman secret's Secret: one file, the value `podman secret inspect --showsecret` prints. */
  public useSecret(s: Secret): void {
    if (this.secrets.has(s.secretName)) return;
    this.secrets.set(s.secretName, { name: s.secretName, kind: 'files', path: `secrets/${s.secretName}`, hostSource: `podman secret ${s.secretName}` });
  }
}
