import { expect } from 'chai';
import * as fc from 'fast-check';
import { Container, encodeValue } from '../../lib';
import { execStartOf, findValidators, quadletDryRun, requireValidators, systemdArgv, Testing } from '../../lib/testing';

const CHARS = ['a', 'Z', '0', ' ', '"', "'", '%', '$', '\\', 'é', '✓', '{', '}', ';', '\t', '\n', '=', ':', ',', '/', '-', '#', '*', '`', '!', '&', '|', '<', '>', '(', ')', '~', '?', '@'];
const text = fc.array(fc.constantFrom(...CHARS), { minLength: 1, maxLength: 14 }).map((a) => a.join(''));
const argText = text.filter((s) => s !== ';');

/** Renders one container per case and runs them all through the generator in one go. */
function roundTrip(cases: Array<{ env: string; args: string[] }>) {
  const { app, site } = Testing.site();
  cases.forEach((c, i) => new Container(site, `case${i}`, {
    image: 'docker.io/library/alpine:3.20',
    environment: { VALUE: c.env },
    command: c.args,
    networkMode: 'none',
  }));
  const files = Testing.area(Testing.synth(app), '.config/containers/systemd');
  const result = quadletDryRun(files);
  expect(result.ok, result.stderr).to.equal(true);
  return cases.map((_c, i) => systemdArgv(execStartOf(result.services[`case${i}.service`])));
}

describe('encoding round trip through the real quadlet generator', function () {
  before(function () {
    if (!findValidators().quadlet) {
      if (requireValidators()) throw new Error('quadlet generator missing: run scripts/ensure-validators.sh');
      this.skip();
    }
  });

  it('podman receives exactly the environment value and the arguments that were written', () => {
    fc.assert(fc.property(fc.array(fc.record({ env: text, args: fc.array(argText, { minLength: 1, maxLength: 4 }) }), { minLength: 1, maxLength: 12 }), (cases) => {
      const argvs = roundTrip(cases);
      cases.forEach((c, i) => {
        const argv = argvs[i];
        const envIdx = argv.indexOf('--env');
        expect(argv[envIdx + 1], 'env').to.equal(`VALUE=${c.env}`);
        const imageIdx = argv.indexOf('docker.io/library/alpine:3.20');
        expect(argv.slice(imageIdx + 1), 'args').to.deep.equal(c.args);
      });
    }), { numRuns: 12 });
  });

  it('every parse mode: what the encoder accepts, podman receives unchanged', () => {
    // One value per mode, each through a key that ends up as `<flag> <value>` in ExecStart.
    const modes = fc.record({
      single: text, // HostName= (single)
      raw: text, // Volume= (multi-raw)
      words: text, // Sysctl= (multi-words)
      label: text, // Label= (multi-keyval)
      arg: argText, // PodmanArgs= (multi-args)
    });
    const tally = { cases: 0, hostName: 0, volume: 0, sysctl: 0 };
    fc.assert(fc.property(fc.array(modes, { minLength: 1, maxLength: 10 }), (cases) => {
      const accepted = cases.map((c) => ({
        hostName: encodeValue('single', c.single).ok ? c.single : undefined,
        volume: encodeValue('multi-raw', [`/${c.raw}`]).ok && !c.raw.includes(':') ? `/${c.raw}` : undefined,
        sysctl: encodeValue('multi-words', [`k=${c.words}`]).ok && !/\s/.test(c.words) ? `k=${c.words}` : undefined,
        label: c.label,
        arg: c.arg,
      }));
      const { app, site } = Testing.site();
      accepted.forEach((a, i) => new Container(site, `m${i}`, {
        image: 'docker.io/library/alpine:3.20', networkMode: 'none',
        hostName: a.hostName, sysctl: a.sysctl ? [a.sysctl] : undefined,
        label: { L: a.label }, podmanArgs: [`--annotation=A=${a.arg}`],
        volumes: a.volume ? [{ hostPath: a.volume, path: '/x' }] : undefined,
      }));
      const result = quadletDryRun(Testing.area(Testing.synth(app), '.config/containers/systemd'));
      expect(result.ok, result.stderr).to.equal(true);
      accepted.forEach((a, i) => {
        tally.cases++;
        if (a.hostName !== undefined) tally.hostName++;
        if (a.volume !== undefined) tally.volume++;
        if (a.sysctl !== undefined) tally.sysctl++;
        const argv = systemdArgv(execStartOf(result.services[`m${i}.service`]));
        const after = (flag: string) => argv[argv.indexOf(flag) + 1];
        if (a.hostName !== undefined) expect(after('--hostname'), 'HostName').to.equal(a.hostName);
        if (a.volume !== undefined) expect(after('-v'), 'Volume').to.equal(`${a.volume}:/x`);
        if (a.sysctl !== undefined) expect(after('--sysctl'), 'Sysctl').to.equal(a.sysctl);
        expect(after('--label'), 'Label').to.equal(`L=${a.label}`);
        expect(argv, 'PodmanArgs').to.include(`--annotation=A=${a.arg}`);
      });
    }), { numRuns: 12, seed: Number(process.env.FUZZ_SEED ?? 20261127) });
    // The assertions above only cover values the encoder accepted: make sure that is most of them,
    // so an encoder that refused everything could not pass.
    const share = (n: number) => n / tally.cases;
    const why = `accepted of ${tally.cases}: HostName ${tally.hostName}, Volume ${tally.volume}, Sysctl ${tally.sysctl}`;
    expect(tally.cases, why).to.be.at.least(30);
    for (const n of [tally.hostName, tally.volume, tally.sysctl]) expect(share(n), why).to.be.at.least(1 / 3);
  });

  it('values with specifier-like text are not expanded by systemd', () => {
    const [argv] = roundTrip([{ env: '%h 50% $HOME ${X} $$', args: ['%i', '100%', '$1', '${PATH}'] }]);
    expect(argv).to.include('VALUE=%h 50% $HOME ${X} $$');
    expect(argv.slice(-4)).to.deep.equal(['%i', '100%', '$1', '${PATH}']);
  });
});
