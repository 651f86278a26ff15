/**
 * A dependency graph over string keys. Kahn's algorithm, O((V+E) log V) with the heap that
 * keeps the order stable: among nodes that are ready, the smallest key goes first.
 */
export class DependencyGraph {
  private readonly nodes = new Set<string>();
  private readonly edges = new Map<string, Set<string>>(); // node -> what it depends on

  public addNode(key: string): void {
    this.nodes.add(key);
  }

  /** `from` depends on `to`: `to` is ordered first. */
  public addEdge(from: string, to: string): void {
    this.nodes.add(from);
    this.nodes.add(to);
    let set = this.edges.get(from);
    if (!set) this.edges.set(from, (set = new Set()));
    set.add(to);
  }

  public dependenciesOf(key: string): string[] {
    return [...(this.edges.get(key) ?? [])].sort();
  }

  /** Dependencies first. Nodes on a cycle are left out and reported by `cycles()`. */
  public order(): string[] {
    const indegree = new Map<string, number>();
    const dependents = new Map<string, string[]>();
    for (const n of this.nodes) indegree.set(n, 0);
    for (const [from, tos] of this.edges) {
      for (const to of tos) {
        indegree.set(from, (indegree.get(from) ?? 0) + 1);
        const list = dependents.get(to);
        if (list) list.push(from);
        else dependents.set(to, [from]);
      }
    }
    const heap = new MinHeap();
    for (const [n, d] of indegree) if (d === 0) heap.push(n);
    const out: string[] = [];
    while (heap.size > 0) {
      const n = heap.pop();
      out.push(n);
      for (const m of dependents.get(n) ?? []) {
        const d = indegree.get(m)! - 1;
        indegree.set(m, d);
        if (d === 0) heap.push(m);
      }
    }
    return out;
  }

  /**
   * Cycles found by an iterative DFS, O(V+E), each as its full path with the first node repeated
   * at the end (`a -> b -> a`). Not every elementary cycle: one per back edge that is not already
   * on a reported cycle, which is what a user needs to break them one by one.
   */
  public cycles(): string[][] {
    const color = new Map<string, 0 | 1 | 2>();
    const found: string[][] = [];
    const onCycle = new Set<string>();
    for (const start of [...this.nodes].sort()) {
      if (color.get(start)) continue;
      const stack: Array<{ node: string; next: string[]; i: number }> = [{ node: start, next: this.dependenciesOf(start), i: 0 }];
      const index = new Map<string, number>([[start, 0]]);
      color.set(start, 1);
      while (stack.length > 0) {
        const top = stack[stack.length - 1];
        const child = top.i < top.next.length ? top.next[top.i++] : undefined;
        if (child === undefined) {
          color.set(top.node, 2);
          index.delete(top.node);
          stack.pop();
          continue;
        }
        const c = color.get(child) ?? 0;
        if (c === 0) {
          color.set(child, 1);
          index.set(child, stack.length);
          stack.push({ node: child, next: this.dependenciesOf(child), i: 0 });
        } else if (c === 1 && !onCycle.has(child)) {
          const path = stack.slice(index.get(child)!).map((f) => f.node);
          path.forEach((p) => onCycle.add(p));
          found.push([...path, child]);
        }
      }
    }
    return found;
  }
}

/** A binary min-heap of strings (locale-independent order). */
class MinHeap {
  private readonly items: string[] = [];
  public get size(): number {
    return this.items.length;
  }
  public push(v: string): void {
    const a = this.items;
    a.push(v);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p] <= a[i]) break;
      [a[p], a[i]] = [a[i], a[p]];
      i = p;
    }
  }
  public pop(): string {
    const a = this.items;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l] < a[m]) m = l;
        if (r < a.length && a[r] < a[m]) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i], a[m]];
        i = m;
      }
    }
    return top;
  }
}
