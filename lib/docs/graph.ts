import { Container } from '../quadlet/container';
import { DependencyStrength, Readiness } from '../quadlet/dependency';
import { Pod } from '../quadlet/pod';
import { byText, mermaidIds, mermaidLabel } from './markdown';
import { DocUnit, DocUnitKind } from './units';

/** An edge of the picture: `from` starts after `to`. */
export interface GraphEdge {
  /** The unit file that needs the other. */
  readonly from: string;
  /** The unit file it needs. */
  readonly to: string;
  /** A dependency's strength (`requires`, `wants`, `bindsTo`, `orderOnly`), or `pod`: a member of the pod. */
  readonly kind: DependencyStrength | 'pod';
  /** When `to` counts as up for `from`. @default 'started' */
  readonly ready?: Readiness;
}

/** The picture's nodes (by unit file) and edges, before they are written as Mermaid. */
export interface UnitGraph {
  /** Unit file name -> Mermaid id. */
  readonly ids: ReadonlyMap<string, string>;
  /** The dependencies between units, sorted. */
  readonly edges: GraphEdge[];
}

const PREFIX: Record<DocUnitKind, string> = { container: 'c', pod: 'p', kube: 'k', timer: 't', service: 's', target: 'g' };

/** Nodes for every unit; edges between units only (networks, volumes and outside units are listed per unit instead). */
export function unitGraph(units: readonly DocUnit[]): UnitGraph {
  const ids = mermaidIds(units.map((u): [string, string] => [u.fileName, PREFIX[u.kind]]));
  const byService = new Map(units.filter((u) => u.kind !== 'target').map((u) => [u.serviceName, u.fileName]));
  const edges = new Map<string, GraphEdge>();
  const add = (from: string, service: string, kind: GraphEdge['kind'], ready?: Readiness) => {
    const to = byService.get(service);
    if (to && to !== from && !edges.has(`${from}\u0000${to}`)) edges.set(`${from}\u0000${to}`, { from, to, kind, ...(ready === 'healthy' ? { ready } : {}) });
  };
  for (const u of units) {
    for (const d of u.dependencies) add(u.fileName, d.unit.serviceName, d.strength, d.ready);
    const pod = u.construct instanceof Container ? u.construct.props.pod : undefined;
    if (pod instanceof Pod) add(u.fileName, pod.serviceName, 'pod');
  }
  const sorted = [...edges.values()].sort((a, b) => byText(a.from, b.from) || byText(a.to, b.to));
  return { ids, edges: sorted };
}

const SHAPE: Record<DocUnitKind, [string, string]> = {
  container: ['[', ']'], pod: ['[[', ']]'], kube: ['[[', ']]'], timer: ['([', '])'], service: ['(', ')'], target: ['[', ']'],
};

/** Arrow and label per edge kind: solid for Requires=, thick for BindsTo=, dotted for the rest. */
const ARROW: Record<GraphEdge['kind'], [string, string]> = {
  requires: ['-->', 'requires'], bindsTo: ['==>', 'binds to'], wants: ['-.->', 'wants'], orderOnly: ['-.->', 'after'], pod: ['-.->', 'pod'],
};

/**
 * The Mermaid `flowchart`: the site target as a box around the units it starts, the other units
 * beside it, then one arrow per dependency labelled with its strength (`requires`, `binds to`,
 * `wants`, `after` for order only, `pod` for membership) and `healthy` when it waits for the
 * health check. Node ids are derived from unit file names, so the text is the same for the same tree.
 */
export function renderMermaid(units: readonly DocUnit[]): string[] {
  const { ids, edges } = unitGraph(units);
  const node = (u: DocUnit) => `${ids.get(u.fileName)}${SHAPE[u.kind][0]}${mermaidLabel(u.fileName)}${SHAPE[u.kind][1]}`;
  const lines = ['```mermaid', 'flowchart LR'];
  const targets = units.filter((u) => u.kind === 'target');
  const members = units.filter((u) => u.kind !== 'target' && u.joinsTarget);
  const others = units.filter((u) => u.kind !== 'target' && (!u.joinsTarget || targets.length === 0));
  for (const t of targets) {
    lines.push(`  subgraph ${ids.get(t.fileName)}[${mermaidLabel(t.fileName)}]`);
    for (const u of t === targets[0] ? members : []) lines.push(`    ${node(u)}`);
    lines.push('  end');
  }
  for (const u of others) lines.push(`  ${node(u)}`);
  for (const e of edges) {
    const [arrow, label] = ARROW[e.kind];
    lines.push(`  ${ids.get(e.from)} ${arrow}|${label}${e.ready === 'healthy' ? ', healthy' : ''}| ${ids.get(e.to)}`);
  }
  lines.push('```');
  return lines;
}

const DOT_SHAPE: Record<DocUnitKind, string> = { container: 'box', pod: 'box3d', kube: 'box3d', timer: 'ellipse', service: 'ellipse', target: 'folder' };

/** Edge attributes per kind: solid for Requires=, bold for BindsTo=, dashed for Wants=, dotted for order only. */
const DOT_STYLE: Record<GraphEdge['kind'], string[]> = {
  requires: [], bindsTo: ['style=bold', 'label="binds to"'], wants: ['style=dashed'], orderOnly: ['style=dotted', 'label="after"'], pod: ['style=dashed', 'label="pod"'],
};

/** A string as a Graphviz quoted ID. */
function dotString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * The same picture as {@link renderMermaid} in Graphviz `dot`: one node per unit file (shaped by
 * kind), one edge per dependency (solid: Requires=, bold: BindsTo=, dashed: Wants= or pod
 * membership, dotted: order only; labelled `healthy` when it waits for the health check), and the
 * units the site target starts drawn inside a cluster.
 */
export function renderDot(units: readonly DocUnit[], name: string): string[] {
  const { edges } = unitGraph(units);
  const node = (u: DocUnit) => `${dotString(u.fileName)} [shape=${DOT_SHAPE[u.kind]}];`;
  const lines = [`digraph ${dotString(name)} {`, '  rankdir=LR;'];
  const target = units.find((u) => u.kind === 'target');
  const members = target ? units.filter((u) => u.kind !== 'target' && u.joinsTarget) : [];
  if (target) {
    lines.push('  subgraph "cluster_target" {', `    label=${dotString(target.fileName)};`);
    for (const u of members) lines.push(`    ${node(u)}`);
    lines.push('  }');
  }
  for (const u of units.filter((x) => x !== target && !members.includes(x))) lines.push(`  ${node(u)}`);
  for (const e of edges) {
    const attrs = [...DOT_STYLE[e.kind], ...(e.ready === 'healthy' ? ['label="healthy"'] : [])];
    lines.push(`  ${dotString(e.from)} -> ${dotString(e.to)}${attrs.length ? ` [${attrs.join(', ')}]` : ''};`);
  }
  lines.push('}');
  return lines;
}
