// The docs renderer: one Markdown page per site, derived from the tree (see docs/docs-renderer.md).
export * from './codes';
export type { DocUnit, DocUnitKind } from './units';
export { collectUnits } from './units';
export type { GraphEdge, UnitGraph } from './graph';
export { renderDot, renderMermaid, unitGraph } from './graph';
export type { RouteHop } from './routing';
export { routeHops } from './routing';
export * from './site-docs';
