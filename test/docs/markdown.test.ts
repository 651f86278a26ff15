import { expect } from 'chai';
import { bullet, cell, code, listOf, mermaidIds, mermaidLabel, table } from '../../lib/docs/markdown';

describe('docs markdown helpers', () => {
  it('code spans hold backticks and newlines', () => {
    expect(code('a')).to.equal('`a`');
    expect(code('a`b')).to.equal('``a`b``');
    expect(code('`x`')).to.equal('`` `x` ``');
    expect(code('one\ntwo')).to.equal('`one two`');
    expect(code('')).to.equal('` `');
  });

  it('table cells escape pipes, also inside code spans', () => {
    expect(cell('a|b')).to.equal('a\\|b');
    expect(table(['A', 'B'], [[code('x|y'), '']])).to.deep.equal(['| A | B |', '| --- | --- |', '| `x\\|y` |   |']);
  });

  it('bullets and Mermaid labels stay on one line and quote-safe', () => {
    expect(bullet('Role', 'two\nlines')).to.equal('- **Role** · two lines');
    expect(mermaidLabel('say "hi" #1')).to.equal('"say #quot;hi#quot; #35;1"');
  });

  it('Mermaid ids are safe, unique and independent of input order', () => {
    const a = mermaidIds([['b.container', 'c'], ['a-b.container', 'c'], ['a_b.container', 'c'], ['end', 'c']]);
    const b = mermaidIds([['end', 'c'], ['a_b.container', 'c'], ['b.container', 'c'], ['a-b.container', 'c']]);
    expect([...a.entries()].sort()).to.deep.equal([...b.entries()].sort());
    expect(a.get('a-b.container')).to.equal('c_a_b_container');
    expect(a.get('a_b.container')).to.equal('c_a_b_container_2');
    expect(a.get('end')).to.equal('c_end');
  });

  it('lists read naturally', () => {
    expect(listOf([])).to.equal('none');
    expect(listOf(['a'])).to.equal('a');
    expect(listOf(['a', 'b', 'c'])).to.equal('a, b and c');
  });
});
