/**
 * Values that a reader of the generated file would read back differently: LiteLLM's PyYAML
 * (YAML 1.1) retyping plain scalars, and llama-swap's own rule for splitting `cmd`.
 */
import { expect } from 'chai';
import { parseDocument } from 'yaml';
import { renderYaml } from '../../lib';
import { Model, shellWord, splitCommand } from '../../lib/llm';
import { expectDiagnostic, Testing } from '../../lib/testing';
import { small } from './support';

/** Strings YAML 1.1 reads as booleans, numbers, dates, null, or its `value`/`merge` types. */
const RETYPED = ['on', 'yes', 'no', 'Off', 'y', 'n', 'true', '1_000', '1:20', '12:30:45', '2026-01-01', '2026-01-01 10:00:00', '0b101', '010', '0x1F', '.inf', '~', 'null', '=', '<<', '1e3', '+1', '.5'];

describe('YAML is read back unchanged by a YAML 1.1 reader', () => {
  it('every retyped scalar is quoted, in values and in keys', () => {
    const data = { list: RETYPED, map: Object.fromEntries(RETYPED.map((k) => [k, k])) };
    const text = renderYaml(data, ['header']);
    for (const version of ['1.1', '1.2'] as const) {
      const doc = parseDocument(text, { version });
      expect(doc.errors).to.deep.equal([]);
      expect(doc.toJS(), `YAML ${version}`).to.deep.equal(data);
    }
  });

  it('LiteLLM model names such as on, yes, 1_000 and 2026-01-01 stay strings in litellm.yaml', () => {
    const s = small();
    for (const name of ['on', 'yes', '1_000', '1:20', '2026-01-01']) s.gateway.addLocalRoute(name, { target: s.model });
    const files = Testing.synth(s.app);
    const [, text] = Object.entries(files).find(([p]) => p.endsWith('/litellm.yaml'))!;
    const parsed = parseDocument(text, { version: '1.1' }).toJS() as { model_list: Array<{ model_name: unknown }> };
    const names = parsed.model_list.map((m) => m.model_name);
    expect(names as string[]).to.include.members(['on', 'yes', '1_000', '1:20', '2026-01-01']);
    for (const n of names) expect(typeof n).to.equal('string');
  });
});

describe('llama-swap cmd follows llama-swap\'s own rule', () => {
  it('splitCommand matches SanitizeCommand + POSIX shlex', () => {
    // A trailing backslash becomes a space, not a join (llama-swap trims the line first).
    expect(splitCommand('a\\\nb')).to.deep.equal(['a', 'b']);
    expect(splitCommand('a \\  \n  b')).to.deep.equal(['a', 'b']);
    expect(splitCommand('  # comment\nc "d e"')).to.deep.equal(['c', 'd e']);
    // Inside quotes a # line is still dropped: the line, not the shell, decides.
    expect(splitCommand("x 'one\n#two\nthree'")).to.deep.equal(['x', 'one\nthree']);
    expect(splitCommand('"a\\$b\\q" \'c\\d\'')).to.deep.equal(['a$b\\q', 'c\\d']);
    expect(splitCommand('a\\ b "" x')).to.deep.equal(['a b', '', 'x']);
    expect(splitCommand('"unterminated')).to.deep.equal(['unterminated']);
  });

  it('every word the generator quotes comes back', () => {
    const words = ['plain', 'with space', "it's", 'tab\there', '$HOME', '${PORT}', 'a"b', 'back\\slash', '', 'multi\nline', '#not-a-comment'];
    expect(splitCommand(words.map(shellWord).join(' '))).to.deep.equal(words);
  });

  it('LLM016: an argument whose line would be dropped or rewritten is refused', () => {
    for (const arg of ['--system-prompt=one\n# two', 'ends with\\\nnext', 'line\n   #indented comment']) {
      const s = small();
      new Model(s.llamaSwap, 'odd', { modelFile: 'odd.gguf', args: ['--jinja', '-ngl', '999', arg] });
      const [d] = expectDiagnostic(s.app, 'LLM016', 'error');
      expect(d.message).to.include('odd');
    }
    const ok = small();
    new Model(ok.llamaSwap, 'fine', { modelFile: 'fine.gguf', args: ['--system-prompt', 'two\nlines'] });
    expect(Testing.codes(ok.app)).to.not.include('LLM016');
  });
});
