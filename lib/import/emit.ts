import { Call, Decl, dependencyOrder, propsOf, Ref, refsIn, Shared, SiteModel, Value } from './model';

/** Options for the generated TypeScript. */
export interface EmitOptions {
  /**
   * The module the site imports the library from.
   * @default 'quadlet-cdk'
   */
  readonly libraryImport?: string;
}

const WIDTH = 110;

/** A single-quoted TypeScript string literal. */
export function tsString(s: string): string {
  let out = "'";
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === "'") out += "\\'";
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f || c === 0x2028 || c === 0x2029) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}'`;
}

function tsKey(k: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? k : tsString(k);
}

/** The TypeScript expression of a value, indented for `indent` spaces. */
export function tsValue(v: Value, indent = 0): string {
  if (v === undefined) return 'undefined';
  if (typeof v === 'string') return tsString(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Ref) return v.member ? `${v.decl.varName}.${v.member}${v.args ? `(${v.args.map(tsString).join(', ')})` : ''}` : v.decl.varName;
  if (v instanceof Shared) return v.name;
  if (v instanceof Call) {
    const args = v.args.map((a) => tsValue(a, indent)).join(', ');
    return `${v.fn}(${args})`;
  }
  const pad = ' '.repeat(indent + 2);
  const end = ' '.repeat(indent);
  if (Array.isArray(v)) {
    const items = (v as Value[]).map((x) => tsValue(x, indent + 2));
    const flat = `[${items.join(', ')}]`;
    if (flat.length + indent < WIDTH && !flat.includes('\n')) return flat;
    return `[\n${items.map((i) => `${pad}${i},`).join('\n')}\n${end}]`;
  }
  const entries = Object.entries(v as Record<string, Value>).filter(([, x]) => x !== undefined);
  if (entries.length === 0) return '{}';
  const items = entries.map(([k, x]) => `${tsKey(k)}: ${tsValue(x, indent + 2)}`);
  const flat = `{ ${items.join(', ')} }`;
  if (flat.length + indent < WIDTH && !flat.includes('\n')) return flat;
  return `{\n${items.map((i) => `${pad}${i},`).join('\n')}\n${end}}`;
}

/** Comment lines, each `// ` prefixed, long ones left as they are (one finding per line). */
function comment(lines: readonly string[], indent: string): string[] {
  return lines.flatMap((l) => l.split('\n')).map((l) => `${indent}// ${l}`.trimEnd());
}

/** Library names a value uses (calls). */
function callsIn(v: Value, out: Set<string>): void {
  if (v instanceof Call) {
    out.add(v.fn.replace(/^new /, '').split('.')[0]);
    v.args.forEach((a) => callsIn(a, out));
  } else if (Array.isArray(v)) (v as Value[]).forEach((a) => callsIn(a, out));
  else if (v !== null && typeof v === 'object' && !(v instanceof Ref) && !(v instanceof Shared)) Object.values(v).forEach((a) => callsIn(a as Value, out));
}

/** The statements that declare `decls` inside the site function, two-space indented. */
export function emitDecls(decls: readonly Decl[], all: readonly Decl[] = decls): string[] {
  const referenced = new Set<Decl>();
  for (const d of all) refsIn(d.props).forEach((r) => referenced.add(r));
  const lines: string[] = [];
  for (const d of dependencyOrder(decls)) {
    lines.push('');
    lines.push(...comment(d.notes, '  '));
    lines.push(...comment(d.todos.map((t) => `TODO(import): ${t}`), '  '));
    const args = [`site`, tsString(d.id)];
    const props = tsValue(propsOf(d), 2);
    if (props !== '{}' || d.cls === 'Container' || d.cls === 'Image' || d.cls === 'Build' || d.cls === 'Kube' || d.cls === 'Artifact') args.push(props);
    const named = referenced.has(d) || d.entries.length > 0 || d.instances.length > 0;
    lines.push(`  ${named ? `const ${d.varName} = ` : ''}new ${d.cls}(${args.join(', ')});`);
    for (const [section, key, value] of d.entries) {
      lines.push(`  ${d.varName}.addEntry(${tsString(section)}, ${tsString(key)}, ${tsString(value)});`);
    }
    for (const i of d.instances) lines.push(`  ${d.varName}.instance(${tsString(i)}, { enabled: true });`);
  }
  return lines;
}

/** The classes and functions the declarations use (for the import line). */
export function libraryNames(model: Pick<SiteModel, 'decls' | 'siteProps'>): string[] {
  const names = new Set<string>(['App', 'Site']);
  for (const d of model.decls) {
    names.add(d.cls);
    callsIn(d.props, names);
  }
  callsIn(model.siteProps, names);
  return [...names].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0));
}

/**
 * The site file: header comments, one import line, and a default-exported function that builds
 * the site into the app it is given (the shape `quadlet-cdk synth` and apps/*.ts use).
 */
export function emitSite(model: SiteModel, options: EmitOptions = {}): string {
  const lib = options.libraryImport ?? 'quadlet-cdk';
  const lines: string[] = [];
  lines.push(...comment(model.header, ''));
  lines.push(`import { ${libraryNames(model).join(', ')} } from ${tsString(lib)};`);
  lines.push('');
  lines.push('export default (app: App): void => {');
  const siteProps = tsValue(model.siteProps, 2);
  const site = `new Site(app, ${tsString(model.siteName)}${siteProps === '{}' ? '' : `, ${siteProps}`})`;
  lines.push(model.decls.length ? `  const site = ${site};` : `  ${site};`);
  if (model.shared.length) lines.push('');
  for (const s of model.shared) lines.push(`  const ${s.name} = ${tsString(s.value)};`);
  lines.push(...emitDecls(model.decls));
  lines.push('};');
  return lines.join('\n') + '\n';
}
