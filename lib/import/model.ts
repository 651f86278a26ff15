/**
 * What an import builds before it writes anything: the site as a list of construct
 * declarations whose props are plain values plus a few expression nodes (references to other
 * declarations, shared constants, library calls). The same model is written as TypeScript
 * (emit.ts) and instantiated as constructs (instantiate.ts), so what the import checks is
 * exactly what the user gets.
 */

/**
 * A reference to another declaration, to one of its members (`db.hostname`), or to what one of
 * its methods gives (`workers.instance('a')`, when `args` are given).
 */
export class Ref {
  public constructor(public readonly decl: Decl, public readonly member?: string, public readonly args?: readonly string[]) {}
}

/** A shared value, declared once as a `const` (an image used twice, a value two services share). */
export class Shared {
  public constructor(public readonly name: string, public readonly value: string) {}
}

/** The library functions generated code may call. */
export type CallName = 'Network.fromName' | 'Volume.fromName' | 'Container.fromName' | 'QuadletUnit.fromFileName' | 'RootFs.at' | 'home' | 'new SystemdText';

/** A call of a library function with literal arguments, e.g. `home('data/wiki')`. */
export class Call {
  public constructor(public readonly fn: CallName, public readonly args: readonly Value[]) {}
}

/** A prop value. `undefined` members are left out. */
export type Value = string | number | boolean | undefined | Ref | Shared | Call | readonly Value[] | { readonly [key: string]: Value };

/** The construct classes an import uses. */
export type ConstructClass = 'Container' | 'Network' | 'Volume' | 'Pod' | 'Build' | 'Image' | 'Kube' | 'Artifact' | 'EnvFile' | 'Secret' | 'Service' | 'Target'
  | 'ContainerTemplate' | 'VolumeTemplate' | 'NetworkTemplate' | 'DropIn';

/** One `new Class(site, id, props)`, with its escape-hatch lines and review comments. */
export interface Decl {
  /** The construct class. */
  readonly cls: ConstructClass;
  /** The construct id, unique in the site. */
  readonly id: string;
  /**
   * The unit (or file) name when it differs from the id: ids are unique per site, unit names per type.
   * @default - the id
   */
  readonly unitName?: string;
  /** The TypeScript variable name; unique in the site. */
  varName: string;
  /** The construct props. */
  props: Record<string, Value>;
  /** `x.addEntry(section, key, value)` lines: what the typed props cannot say. */
  readonly entries: Array<[string, string, string]>;
  /** `// TODO(import): field: why` comments written above the declaration. */
  readonly todos: string[];
  /** Plain comments written above the declaration (where it came from). */
  readonly notes: string[];
  /** For a template: the instances started at boot (`x.instance('a', { enabled: true })`). */
  readonly instances: string[];
}

/** The whole imported site. */
export interface SiteModel {
  /** The site name (a valid unit-name part). */
  readonly siteName: string;
  /** Props of the Site construct. */
  readonly siteProps: Record<string, Value>;
  /** The construct declarations, in creation order (written in dependency order). */
  readonly decls: Decl[];
  /** Shared constants, in declaration order. */
  readonly shared: Shared[];
  /** First comment lines of the file (what was imported, from where). */
  readonly header: string[];
}

const RESERVED = new Set(['break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do', 'else', 'enum', 'export', 'extends', 'false', 'finally', 'for', 'function', 'if', 'import', 'in', 'instanceof', 'new', 'null', 'return', 'super', 'switch', 'this', 'throw', 'true', 'try', 'typeof', 'var', 'void', 'while', 'with', 'yield', 'let', 'static', 'implements', 'interface', 'package', 'private', 'protected', 'public', 'await', 'app', 'site', 'undefined', 'NaN', 'Infinity', 'arguments', 'eval']);

/** `my-db_data.1` -> `myDbData1`; prefixed when it would start with a digit or be reserved. */
export function camelName(s: string): string {
  const parts = s.split(/[^A-Za-z0-9]+/).filter((p) => p !== '');
  let out = parts.map((p, i) => (i === 0 ? p[0].toLowerCase() + p.slice(1) : p[0].toUpperCase() + p.slice(1))).join('');
  if (out === '' || /^[0-9]/.test(out)) out = `x${out}`;
  return RESERVED.has(out) ? `${out}Unit` : out;
}

/** Builds a model: hands out unique variable names and keeps declarations in creation order. */
export class ModelBuilder {
  public readonly decls: Decl[] = [];
  public readonly shared: Shared[] = [];
  private readonly names = new Set<string>();
  private readonly ids = new Set<string>();

  /** A variable name not used yet, from `base` (suffixes the kind, then a number). */
  public uniqueName(base: string, kind = ''): string {
    let name = camelName(base);
    if (this.names.has(name) && kind) name = camelName(`${base}-${kind}`);
    for (let i = 2; this.names.has(name); i++) name = `${camelName(base)}${i}`;
    this.names.add(name);
    return name;
  }

  /** A new declaration; an id another construct has becomes `<id>-<kind>`, keeping the unit name. */
  public add(cls: ConstructClass, id: string, props: Record<string, Value> = {}): Decl {
    let unique = id;
    for (let i = 2; this.ids.has(unique.toLowerCase()); i++) unique = i === 2 ? `${id}-${cls.toLowerCase()}` : `${id}-${cls.toLowerCase()}-${i}`;
    this.ids.add(unique.toLowerCase());
    const unitName = unique === id || cls === 'EnvFile' || cls === 'Secret' || cls === 'DropIn' ? undefined : id;
    const decl: Decl = { cls, id: unique, unitName, varName: this.uniqueName(id, cls), props, entries: [], todos: [], notes: [], instances: [] };
    this.decls.push(decl);
    return decl;
  }

  /** A shared constant named after `base`. */
  public share(base: string, value: string): Shared {
    const s = new Shared(this.uniqueName(base), value);
    this.shared.push(s);
    return s;
  }
}

/** The props as written: the unit name first when the id differs from it. */
export function propsOf(d: Decl): Record<string, Value> {
  return d.unitName === undefined ? d.props : { name: d.unitName, ...d.props };
}

/** The unit name of a declaration (its id unless the id had to differ). */
export function unitOf(d: Decl): string {
  return d.unitName ?? d.id;
}

/** Every declaration `v` refers to. */
export function refsIn(v: Value, out: Set<Decl> = new Set()): Set<Decl> {
  if (v instanceof Ref) out.add(v.decl);
  else if (v instanceof Call) v.args.forEach((a) => refsIn(a, out));
  else if (Array.isArray(v)) (v as Value[]).forEach((a) => refsIn(a, out));
  else if (v !== null && typeof v === 'object' && !(v instanceof Shared)) Object.values(v).forEach((a) => refsIn(a as Value, out));
  return out;
}

/** Declarations in dependency order: each after the ones its props refer to, networks and volumes first, else in creation order. */
const RANK: Record<ConstructClass, number> = {
  Network: 0, NetworkTemplate: 0, Volume: 1, VolumeTemplate: 1, Secret: 2, Image: 3, Build: 4, Artifact: 5, Pod: 6, EnvFile: 7, Container: 7, ContainerTemplate: 7,
  Kube: 8, Service: 9, Target: 10, DropIn: 11,
};

export function dependencyOrder(input: readonly Decl[]): Decl[] {
  const decls = [...input].sort((a, b) => RANK[a.cls] - RANK[b.cls]);
  const done = new Set<Decl>();
  const out: Decl[] = [];
  const visiting = new Set<Decl>();
  const visit = (d: Decl) => {
    if (done.has(d) || visiting.has(d)) return;
    visiting.add(d);
    for (const dep of refsIn(d.props)) if (decls.includes(dep)) visit(dep);
    visiting.delete(d);
    done.add(d);
    out.push(d);
  };
  decls.forEach(visit);
  return out;
}
