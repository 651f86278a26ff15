import { expect } from 'chai';
import { encodeValue, home, isAbsolutePath, SystemdText, toSystemd } from '../../lib';

const lines = (mode: Parameters<typeof encodeValue>[0], v: Parameters<typeof encodeValue>[1]) => {
  const e = encodeValue(mode, v);
  return e.ok ? e.lines : `error: ${e.error}`;
};

describe('encodeValue', () => {
  it('single: escapes % and $, keeps systemd text, refuses edge quotes, newlines and edge spaces', () => {
    expect(lines('single', '50% of $HOME')).to.deep.equal(['50%% of $$HOME']);
    expect(lines('single', home('x'))).to.deep.equal(['%h/x']);
    expect(lines('single', '"quoted"')).to.match(/double quote/);
    expect(lines('single', 'a\nb')).to.match(/newline/);
    expect(lines('single', ' x')).to.match(/white space/);
    expect(lines('single', 'ends\\')).to.match(/backslash/);
  });

  it('text (systemd settings): escapes % only', () => {
    expect(lines('text', '100% $X')).to.deep.equal(['100%% $X']);
  });

  it('bool and int take only their types', () => {
    expect(lines('bool', true)).to.deep.equal(['true']);
    expect(lines('bool', 'yes' as never)).to.match(/true or false/);
    expect(lines('int', 5)).to.deep.equal(['5']);
    expect(lines('int', 1.5)).to.match(/whole number/);
  });

  it('multi-raw: one line per value, verbatim but for % and $; empty values refused', () => {
    expect(lines('multi-raw', ['127.0.0.1:80:80', '/a b:/c'])).to.deep.equal(['127.0.0.1:80:80', '/a b:/c']);
    expect(lines('multi-raw', [''])).to.match(/resets/);
  });

  it('multi-words: quotes words with spaces, refuses quotes', () => {
    expect(lines('multi-words', ['CAP_NET_ADMIN', 'a b'])).to.deep.equal(['CAP_NET_ADMIN', '"a b"']);
    expect(lines('multi-words', ["it's"])).to.match(/quote/);
  });

  it('multi-args and exec: shell-like words with C escapes; a lone ; refused', () => {
    expect(lines('multi-args', ['--opt=a b', 'plain'])).to.deep.equal(['"--opt=a b"', 'plain']);
    expect(lines('exec', ['sh', '-c', 'echo "$HOME" 100%'])).to.deep.equal(['sh -c "echo \\"$$HOME\\" 100%%"']);
    expect(lines('exec', ['a', ';'])).to.match(/separator/);
    expect(lines('exec', [])).to.match(/non-empty/);
  });

  it('multi-keyval: one quoted KEY=value per line; env (systemd) leaves $ alone', () => {
    expect(lines('multi-keyval', { A: 'x "y" \\ $z %' })).to.deep.equal(['"A=x \\"y\\" \\\\ $$z %%"']);
    expect(lines('env', { A: '$z' })).to.deep.equal(['"A=$z"']);
    expect(lines('multi-keyval', { 'bad name': 'x' })).to.match(/not a valid variable name/);
    expect(lines('multi-keyval', { A: new SystemdText('%h/x') })).to.deep.equal(['"A=%h/x"']);
  });

  it('toSystemd: escapes % (and $ when asked) in literal strings, keeps systemd text as written', () => {
    expect(toSystemd('50% of $HOME', { dollar: true })).to.equal('50%% of $$HOME');
    expect(toSystemd('50% of $HOME', { dollar: false })).to.equal('50%% of $HOME');
    expect(toSystemd(home('a%b'), { dollar: true })).to.equal('%h/a%%b');
    expect(toSystemd(new SystemdText('%h/$X'), { dollar: true })).to.equal('%h/$X');
  });

  it('isAbsolutePath: a literal /, or a folder specifier; %U (a number) and relative paths are not', () => {
    expect(isAbsolutePath('/srv/x')).to.equal(true);
    expect(isAbsolutePath(home('.local/bin/x'))).to.equal(true);
    expect(isAbsolutePath(new SystemdText('%t/podman.sock'))).to.equal(true);
    expect(isAbsolutePath(new SystemdText('%h'))).to.equal(true);
    expect(isAbsolutePath(new SystemdText('%U/x'))).to.equal(false);
    expect(isAbsolutePath(new SystemdText('%hx'))).to.equal(false);
    expect(isAbsolutePath('%h/x')).to.equal(false); // a literal string: its % is escaped, not a specifier
    expect(isAbsolutePath('bin/x')).to.equal(false);
  });
});
