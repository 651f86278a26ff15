import { IConstruct } from 'constructs';
import { Reporter } from './diagnostics';

/**
 * A cross-cutting policy applied to every construct below the scope it was added to.
 * Mutating aspects (add labels, inject defaults) all run before read-only ones (checks), so a
 * check always sees the final tree.
 */
export interface IAspect {
  /** Called once per construct. `report` records a diagnostic on that construct. */
  visit(node: IConstruct, report: Reporter): void;
}

export interface AspectOptions {
  /**
   * A mutating aspect may change the tree; it runs in the first pass.
   * @default false
   */
  readonly mutating?: boolean;
}

interface Registered {
  readonly aspect: IAspect;
  readonly mutating: boolean;
}

const registry = new WeakMap<IConstruct, Registered[]>();
/** Whether any aspect was ever added in this process: without one, synth skips the two walks of the tree. */
let anyAdded = false;

export class Aspects {
  public static of(scope: IConstruct): Aspects {
    return new Aspects(scope);
  }

  private constructor(private readonly scope: IConstruct) {}

  public add(aspect: IAspect, options: AspectOptions = {}): void {
    const list = registry.get(this.scope) ?? [];
    list.push({ aspect, mutating: options.mutating ?? false });
    anyAdded = true;
    registry.set(this.scope, list);
  }

  public get all(): IAspect[] {
    return (registry.get(this.scope) ?? []).map((r) => r.aspect);
  }
}

/** The aspects that apply to a construct: its own and its ancestors', root first. */
function inherited(node: IConstruct): Registered[] {
  return node.node.scopes.flatMap((s) => registry.get(s) ?? []);
}

/**
 * Run every aspect on every construct once. Mutating aspects first, repeated over constructs
 * they add (up to `maxRounds` rounds), then read-only aspects on the settled tree.
 */
export function applyAspects(root: IConstruct, reporterOf: (node: IConstruct) => Reporter, maxRounds = 10): void {
  if (!anyAdded) return;
  const visited = new Map<IAspect, Set<IConstruct>>();
  const runPass = (mutating: boolean): boolean => {
    let ran = false;
    for (const node of root.node.findAll()) {
      for (const r of inherited(node)) {
        if (r.mutating !== mutating) continue;
        let seen = visited.get(r.aspect);
        if (!seen) visited.set(r.aspect, (seen = new Set()));
        if (seen.has(node)) continue;
        seen.add(node);
        r.aspect.visit(node, reporterOf(node));
        ran = true;
      }
    }
    return ran;
  };
  for (let round = 0; round < maxRounds && runPass(true); round++);
  runPass(false);
}
