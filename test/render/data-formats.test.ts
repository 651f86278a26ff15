import { expect } from 'chai';
import { canonical, renderJson, renderToml, renderYaml } from '../../lib';

describe('data formats (renderYaml, renderToml, renderJson)', () => {
  const value = { zeta: 1, alpha: { b: true, a: null, gone: undefined }, list: [{ y: 'y', x: 'x' }], models: 'm', groups: 'g' };

  it('canonical sorts map keys, puts `first` keys first (nested too) and drops undefined entries', () => {
    expect(JSON.stringify(canonical(value))).to.equal('{"alpha":{"a":null,"b":true},"groups":"g","list":[{"x":"x","y":"y"}],"models":"m","zeta":1}');
    const ordered = canonical(value, { first: ['models', 'groups'], nested: { list: { nested: { '[]': { first: ['y'] } } } } });
    expect(Object.keys(ordered as object)).to.deep.equal(['models', 'groups', 'alpha', 'list', 'zeta']);
    expect(JSON.stringify((ordered as any).list)).to.equal('[{"y":"y","x":"x"}]');
  });

  it('renderJson writes sorted keys, two-space indent and a trailing newline', () => {
    expect(renderJson({ b: [1, 2], a: { d: undefined, c: 'x' } })).to.equal('{\n  "a": {\n    "c": "x"\n  },\n  "b": [\n    1,\n    2\n  ]\n}\n');
  });

  it('renderYaml puts the header first as comments and keeps long lines unfolded', () => {
    const long = 'word '.repeat(40).trim();
    expect(renderYaml({ b: long, a: [1] }, ['Generated', ''])).to.equal(`# Generated\n#\na:\n  - 1\nb: ${long}\n`);
    expect(renderYaml({ a: 1 })).to.equal('a: 1\n');
  });

  it('renderToml writes sorted keys after the header', () => {
    expect(renderToml({ z: 'last', a: 1 }, ['hdr'])).to.equal('# hdr\na = 1\nz = "last"\n');
  });
});
