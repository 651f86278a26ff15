/**
 * The units of a site hash each file they read once: a unit's input hash and its state hash read
 * the same files, and several units may read one file. Counted, not timed.
 */
import { expect } from 'chai';
// The module itself (not a namespace copy): the library's sha256 calls its `hash`, which the test counts.
import crypto from 'crypto';
import { unitsOf } from '../../lib/deploy';
import { treeOf } from './support';

describe('unitsOf hashes each file once', () => {
  it('one sha256 per file a unit reads or is, plus one per input hash and one per state hash', () => {
    const tree = treeOf();
    const orig = crypto.hash;
    let calls = 0;
    (crypto as any).hash = function (this: unknown, ...args: unknown[]) {
      calls++;
      return (orig as any).apply(this, args);
    };
    let units: ReturnType<typeof unitsOf>;
    try {
      units = unitsOf(tree);
    } finally {
      (crypto as any).hash = orig;
    }
    const files = new Set(units.flatMap((u) => [u.file, ...u.reads]));
    const withInputs = units.filter((u) => u.inputsHash !== undefined);
    // The site has units whose inputs are also part of their state hash (hashed twice before).
    expect(withInputs.length).to.be.above(2);
    expect(calls).to.equal(files.size + withInputs.length + units.length);
  });
});
