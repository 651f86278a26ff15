import { expect } from 'chai';
import { DependencyGraph } from '../../lib';

describe('DependencyGraph', () => {
  it('orders dependencies first, ties by key', () => {
    const g = new DependencyGraph();
    g.addEdge('web', 'db');
    g.addEdge('web', 'cache');
    g.addEdge('db', 'net');
    g.addNode('zzz');
    g.addNode('aaa');
    expect(g.order()).to.deep.equal(['aaa', 'cache', 'net', 'db', 'web', 'zzz']);
  });

  it('is stable: insertion order does not change the result', () => {
    const edges: Array<[string, string]> = [['a', 'b'], ['c', 'b'], ['d', 'a'], ['d', 'c']];
    const g1 = new DependencyGraph();
    edges.forEach(([x, y]) => g1.addEdge(x, y));
    const g2 = new DependencyGraph();
    [...edges].reverse().forEach(([x, y]) => g2.addEdge(x, y));
    expect(g1.order()).to.deep.equal(g2.order());
  });

  it('reports a cycle with its full path and leaves its nodes out of the order', () => {
    const g = new DependencyGraph();
    g.addEdge('a', 'b');
    g.addEdge('b', 'c');
    g.addEdge('c', 'a');
    g.addEdge('d', 'a');
    g.addNode('e');
    expect(g.cycles()).to.deep.equal([['a', 'b', 'c', 'a']]);
    expect(g.order()).to.deep.equal(['e']);
  });

  it('reports a self-loop', () => {
    const g = new DependencyGraph();
    g.addEdge('x', 'x');
    expect(g.cycles()).to.deep.equal([['x', 'x']]);
  });

  it('handles a dense chain (each node depends on the previous two) of 20,000 nodes', () => {
    const g = new DependencyGraph();
    const key = (i: number) => `n${String(i).padStart(6, '0')}`;
    for (let i = 0; i < 20000; i++) {
      g.addNode(key(i));
      if (i >= 1) g.addEdge(key(i), key(i - 1));
      if (i >= 2) g.addEdge(key(i), key(i - 2));
    }
    const order = g.order();
    expect(order.length).to.equal(20000);
    expect(order[0]).to.equal(key(0));
    expect(order[19999]).to.equal(key(19999));
    expect(g.cycles()).to.deep.equal([]);
  });
});
