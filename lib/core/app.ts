import { Construct, IConstruct } from 'constructs';
import { applyAspects } from './aspects';
import { defineCodes, Diagnostic, Diagnostics, makeDiagnostic, Reporter, sortDiagnostics, ValidationError } from './diagnostics';
import { DependencyGraph } from './graph';
import { byteLength, controlCharIn, escapeControls, MAX_NAME_BYTES } from './names';
import { GeneratedFile, writeOutput, WriteResult } from './output';
import { OutputArea, Resource } from './resource';
import { Site, SiteBackend } from './site';
import { renderedAfter } from './synth-order';

export const CORE_CODES = defineCodes({
  CORE001: { title: 'dependency cycle', hint: 'remove one of the dependencies on the cycle; units cannot start each other in a loop' },
  CORE002: { title: 'dependency on another site', hint: 'a unit can only depend on units of its own host; reach other hosts by address' },
  CORE003: { title: 'two constructs write one file', hint: 'give one of them another name' },
  CORE004: { title: 'internal error while rendering', hint: 'this is a bug in quadlet-cdk or in a custom construct; please report it with the tree that triggers it' },
  CORE005: { title: 'secret value in output', hint: 'pass secrets as Secret or EnvFile secret entries, never as literal values' },
});

const BRAND = Symbol.for('quadlet-cdk.App');

export interface AppProps {
  /**
   * Where `synth()` writes.
   * @default - $QUADLET_CDK_OUTDIR, else 'dist'
   */
  readonly outdir?: string;
  /**
   * Treat warnings as errors.
   * @default - true when $QUADLET_CDK_STRICT is `1` (`quadlet-cdk synth --strict`), else false
   */
  readonly strict?: boolean;
  /**
   * What every site renders as unless it says otherwise (`quadlet-cdk synth --backend kubernetes`).
   * @default - $QUADLET_CDK_BACKEND, else 'quadlet'
   */
  readonly backend?: SiteBackend;
}

/** Files rendered in memory, and every problem found on the way. */
export interface SynthOutput {
  /** Every rendered file, sorted by path. */
  readonly files: GeneratedFile[];
  /** Every problem found, errors and warnings, sorted. */
  readonly diagnostics: Diagnostic[];
}

export interface SynthOptions {
  /**
   * Return the files and diagnostics even when there are errors (for tests and tools).
   * @default false
   */
  readonly allowErrors?: boolean;
}

/** What `synth()` wrote and removed, and the warnings it found. */
export interface SynthResult extends WriteResult {
  /** The warnings (and infos) of the synth; a synth with errors throws instead. */
  readonly diagnostics: Diagnostic[];
}

/**
 * A check across one site's resources (unique names, port clashes, routes that reach their
 * targets). Domains register theirs once, at module load; synth runs each on every site.
 */
export type SiteCheck = (site: Site, resources: readonly Resource[], reporterOf: (scope: IConstruct) => Reporter, context: SynthContext) => void;

/**
 * What a site check may know about the whole app during one synth, built once and shared by
 * every site, so that a check across sites costs one pass over the app, not one per site.
 */
export interface SynthContext {
  /** Every site of the app, in tree order. */
  readonly sites: readonly Site[];
  /** The resources of one site (the same list the check receives for its own site). */
  resourcesOf(site: Site): readonly Resource[];
  /** A value computed once per synth under `key` (an app-wide index for a cross-site check). */
  memo<T>(key: string, make: () => T): T;
}

const siteChecks = new Map<string, SiteCheck>();

/** Register a site-wide check under a unique key (registering a key again replaces it). */
export function registerSiteCheck(key: string, check: SiteCheck): void {
  siteChecks.set(key, check);
}

/**
 * Finishes one quadlet site's files once every resource rendered, before the output checks: it
 * may add files and rewrite the site's own files (lib/deploy writes each unit's input hash and
 * the chezmoi deploy script this way). Must be deterministic. Domains register theirs at module load.
 */
export type SiteFinisher = (site: Site, files: Map<string, GeneratedFile>, report: Reporter) => void;

const siteFinishers = new Map<string, SiteFinisher>();

/** Register a site finisher under a unique key (registering a key again replaces it). */
export function registerSiteFinisher(key: string, finish: SiteFinisher): void {
  siteFinishers.set(key, finish);
}

/** Sees every rendered file before anything is written; reports problems by construct path. */
export type OutputValidator = (files: ReadonlyMap<string, GeneratedFile>, report: (constructPath: string, code: string, message: string, hint?: string) => void) => void;

/** What a backend other than quadlet receives: one site, its resources, and where to put files. */
export interface BackendContext {
  /** The site to render. */
  readonly site: Site;
  /** The site's resources, in tree order. */
  readonly resources: readonly Resource[];
  /** Add a file; `path` is relative to the site's output folder. */
  emit(path: string, content: string, constructPath: string): void;
  reporterOf(scope: IConstruct): Reporter;
  /** The files a resource renders for the quadlet backend (config files a workload mounts), by path. */
  quadletFilesOf(resource: Resource): GeneratedFile[];
}

/** A backend renders a whole site at once. Loaded only when a site asks for it. */
export type Backend = (ctx: BackendContext) => void;

const backends = new Map<string, () => Backend>();

/** Register a backend by name; `load` runs the first time a site uses it (keeps quadlet synth lean). */
export function registerBackend(name: SiteBackend, load: () => Backend): void {
  backends.set(name, load);
}

/** The root of the tree. Holds sites, runs the synth phases, and writes the output folder. */
export class App extends Construct {
  public static isApp(x: unknown): x is App {
    return typeof x === 'object' && x !== null && (x as any)[BRAND] === true;
  }

  public static of(scope: IConstruct): App | undefined {
    const root = scope.node.root;
    return App.isApp(root) ? root : undefined;
  }

  public readonly outdir: string;
  public readonly strict: boolean;
  /** The backend sites use when they name none. */
  public readonly backend: SiteBackend;
  private readonly outputValidators = new Map<string, OutputValidator>();
  private readonly secretValues = new Set<string>();

  public constructor(props: AppProps = {}) {
    super(undefined as any, '');
    Object.defineProperty(this, BRAND, { value: true });
    this.outdir = props.outdir ?? process.env.QUADLET_CDK_OUTDIR ?? 'dist';
    this.strict = props.strict ?? process.env.QUADLET_CDK_STRICT === '1';
    this.backend = props.backend ?? (process.env.QUADLET_CDK_BACKEND === 'kubernetes' ? 'kubernetes' : 'quadlet');
  }

  /** Register a check on the rendered files. One per key: constructs register theirs once. */
  public addOutputValidator(key: string, validator: OutputValidator): void {
    if (!this.outputValidators.has(key)) this.outputValidators.set(key, validator);
  }

  /**
   * Declare a secret's value so synth can prove it never reaches a file. The library never
   * needs secret values; tests and apps that hold them register them here.
   */
  public registerSecretValue(value: string): void {
    if (value.length >= 4) this.secretValues.add(value);
  }

  /** Run every phase in memory. Throws a ValidationError listing every problem, unless allowErrors. */
  public synthFiles(options: SynthOptions = {}): SynthOutput {
    const found: Diagnostic[] = [];
    const reporterOf = (scope: IConstruct): Reporter => (code, message, hint, severity) =>
      found.push(makeDiagnostic(scope.node.path, code, message, hint, severity));

    checkIds(this, reporterOf);
    applyAspects(this, reporterOf);
    // One walk of the settled tree (aspects may have added to it; validators and renderers do not).
    const all = this.node.findAll();
    const resources = all.filter(Resource.isResource);
    const sites = all.filter(Site.isSite);
    for (const r of resources) guarded(r, reporterOf(r), () => r.validate({ site: r.site, report: reporterOf(r) }));
    const bySite = new Map<Site, Resource[]>(sites.map((s) => [s, []]));
    for (const r of resources) bySite.get(r.site)?.push(r);
    const memos = new Map<string, unknown>();
    const context: SynthContext = {
      sites,
      resourcesOf: (site) => bySite.get(site) ?? [],
      memo: <T>(key: string, make: () => T): T => {
        if (!memos.has(key)) memos.set(key, make());
        return memos.get(key) as T;
      },
    };
    for (const site of sites) {
      const own = context.resourcesOf(site);
      for (const [key, check] of siteChecks) {
        try {
          check(site, own, reporterOf, context);
        } catch (e: any) {
          reporterOf(site)('CORE004', `site check ${key} threw: ${e?.stack ?? e}`);
        }
      }
    }

    const ordered = dependencyOrder(resources, reporterOf);
    const order = [...ordered.filter((r) => !r.renderAfterOthers), ...ordered.filter((r) => r.renderAfterOthers)];
    const files = new Map<string, GeneratedFile>();
    for (const r of order) {
      if (r.site.backend !== 'quadlet') continue;
      const report = reporterOf(r);
      const emit = (area: OutputArea, name: string, content: string) => {
        const path = r.site.pathOf(area, name);
        const prior = files.get(path);
        const long = path.split('/').find((part) => byteLength(part) > MAX_NAME_BYTES);
        if (prior) report('CORE003', `${path} is also written by ${prior.constructPath}`);
        else if (long) report('NAME002', `file name ${long.slice(0, 20)}...${long.slice(-12)} is ${byteLength(long)} bytes long (at most ${MAX_NAME_BYTES})`);
        else files.set(path, { path, content, constructPath: r.node.path });
      };
      guarded(r, report, () => r.render({ site: r.site, emit, report, files, memo: context.memo }));
    }
    for (const site of sites.filter((s) => s.backend !== 'quadlet')) {
      renderWithBackend(site, order.filter((r) => r.site === site), files, reporterOf);
    }
    for (const site of sites.filter((s) => s.backend === 'quadlet')) {
      for (const [key, finish] of siteFinishers) {
        try {
          finish(site, files, reporterOf(site));
        } catch (e: any) {
          reporterOf(site)('CORE004', `site finisher ${key} threw: ${e?.stack ?? e}`);
        }
      }
    }

    for (const [key, validate] of this.outputValidators) {
      try {
        validate(files, (path, code, message, hint) => found.push(makeDiagnostic(path, code, message, hint)));
      } catch (e: any) {
        found.push(makeDiagnostic('', 'CORE004', `output check ${key} failed: ${e?.stack ?? e}`));
      }
    }
    this.scanSecrets(files, found);
    checkCaseCollisions(files, found);

    const diagnostics = sortDiagnostics([...Diagnostics.collect(this), ...found].map((d) => this.redact(d)));
    const failing = diagnostics.filter((d) => d.severity === 'error' || (this.strict && d.severity === 'warning'));
    if (failing.length > 0 && !options.allowErrors) throw new ValidationError(diagnostics);
    const sorted = [...files.values()].sort((a, b) => (a.path < b.path ? -1 : 1));
    return { files: sorted, diagnostics };
  }

  /** Synthesize and write to `outdir`. A tree with errors writes nothing. */
  public synth(): SynthResult {
    const { files, diagnostics } = this.synthFiles();
    const result = { ...writeOutput(this.outdir, files), diagnostics };
    for (const listen of App.synthListeners) listen(this, result);
    return result;
  }

  /** Called after every successful `synth()`; the synth runner uses it to print what changed. */
  public static readonly synthListeners: Array<(app: App, result: SynthResult) => void> = [];

  /** A diagnostic with every registered secret value masked: messages reach terminals and CI logs. */
  private redact(d: Diagnostic): Diagnostic {
    if (this.secretValues.size === 0) return d;
    const values = [...this.secretValues].sort((a, b) => b.length - a.length);
    const mask = (s: string) => values.reduce((text, v) => text.split(v).join('***'), s);
    return { ...d, path: mask(d.path), message: mask(d.message), hint: mask(d.hint) };
  }

  private scanSecrets(files: ReadonlyMap<string, GeneratedFile>, found: Diagnostic[]): void {
    if (this.secretValues.size === 0) return;
    for (const f of files.values()) {
      for (const v of this.secretValues) {
        if (f.content.includes(v)) found.push(makeDiagnostic(f.constructPath, 'CORE005', `${f.path} contains the value of a registered secret`));
      }
    }
  }
}

/** Ids become paths and file headers: a control character in one is refused (the header escapes it too). */
function checkIds(root: IConstruct, reporterOf: (scope: IConstruct) => Reporter): void {
  for (const c of root.node.findAll()) {
    const bad = controlCharIn(c.node.id);
    if (bad) reporterOf(c)('NAME005', `construct id "${escapeControls(c.node.id)}" holds the control character ${bad}`);
  }
}

/** Paths that differ only in case collide on case-insensitive file systems: warn on the later one. */
function checkCaseCollisions(files: ReadonlyMap<string, GeneratedFile>, found: Diagnostic[]): void {
  const seen = new Map<string, GeneratedFile>();
  for (const f of [...files.values()].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    const key = f.path.toLowerCase();
    const prior = seen.get(key);
    if (prior) found.push(makeDiagnostic(f.constructPath, 'NAME003', `${f.path} differs from ${prior.path} (written by ${prior.constructPath}) only in case`));
    else seen.set(key, f);
  }
}

/** Hands one site to its backend; the backend module is loaded on first use. */
function renderWithBackend(site: Site, resources: Resource[], files: Map<string, GeneratedFile>, reporterOf: (scope: IConstruct) => Reporter): void {
  const load = backends.get(site.backend);
  if (!load) {
    reporterOf(site)('CORE004', `no backend named ${site.backend} is registered`);
    return;
  }
  const emit = (name: string, content: string, constructPath: string) => {
    const path = [site.outputDir, name].filter((p) => p !== '').join('/');
    const prior = files.get(path);
    if (prior) reporterOf(site)('CORE003', `${path} is also written by ${prior.constructPath}`);
    else files.set(path, { path, content, constructPath });
  };
  const memos = new Map<string, unknown>();
  const memo = <T>(key: string, make: () => T): T => {
    if (!memos.has(key)) memos.set(key, make());
    return memos.get(key) as T;
  };
  const quadletFilesOf = (r: Resource): GeneratedFile[] => {
    const out: GeneratedFile[] = [];
    const sink = () => undefined;
    r.render({
      site, report: sink, files: new Map(), memo,
      emit: (area, name, content) => out.push({ path: r.site.pathOf(area, name), content, constructPath: r.node.path }),
    });
    return out;
  };
  try {
    load()({ site, resources, emit, reporterOf, quadletFilesOf });
  } catch (e: any) {
    reporterOf(site)('CORE004', `the ${site.backend} backend threw: ${e?.stack ?? e}`);
  }
}

/** Renderers and validators must be total; if one throws, that is reported, not fatal. */
function guarded(r: Resource, report: Reporter, fn: () => void): void {
  try {
    fn();
  } catch (e: any) {
    report('CORE004', `${r.kind} ${r.node.path} threw: ${e?.message ?? e}`);
  }
}

/** Resources with their dependencies first; cycles and cross-site edges are reported. */
function dependencyOrder(resources: Resource[], reporterOf: (c: IConstruct) => Reporter): Resource[] {
  const byPath = new Map(resources.map((r) => [r.node.path, r]));
  const graph = new DependencyGraph();
  for (const r of resources) {
    graph.addNode(r.node.path);
    const targets = [...renderedAfter(r), ...r.node.dependencies.filter(Resource.isResource)];
    for (const d of targets) {
      if (d.site !== r.site && Site.isSite(d.site) && !r.site.node.path.startsWith('orphan')) {
        reporterOf(r)('CORE002', `${r.node.path} depends on ${d.node.path}, which belongs to site ${d.site.name}`);
        continue;
      }
      if (byPath.has(d.node.path)) graph.addEdge(r.node.path, d.node.path);
    }
  }
  for (const cycle of graph.cycles()) {
    reporterOf(byPath.get(cycle[0])!)('CORE001', `dependency cycle: ${cycle.join(' -> ')}`);
  }
  const ordered = graph.order().map((p) => byPath.get(p)!);
  const placed = new Set(ordered);
  return [...ordered, ...resources.filter((r) => !placed.has(r))];
}
