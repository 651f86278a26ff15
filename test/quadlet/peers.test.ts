/**
 * The peer-host scan behind ENV003 is linear in a value's length: a 1 MB env value (a base64
 * certificate) is scanned in one pass. Correctness is checked against the regular expression
 * that defined the scan before (quadratic on long values, exact on short ones) as an oracle.
 */
import { expect } from 'chai';
import { Container, EnvFile, hostsIn, Network } from '../../lib';
import { expectDiagnostic, Testing } from '../../lib/testing';

/** The former definition: scheme://[userinfo@]host, inet:host:port. */
function oracle(value: string): string[] {
  const hosts: string[] = [];
  for (const m of value.matchAll(/[a-z][a-z0-9+.-]*:\/\/(?:[^@/\s]*@)?(\[[^\]\s]*\]|[^:/?#\s,]+)/gi)) hosts.push(m[1]);
  for (const m of value.matchAll(/\binet:([^:\s,]+):\d+/g)) hosts.push(m[1]);
  return [...new Set(hosts)].filter((h) => !h.includes('.') && h !== '' && !/^(localhost|host\.containers\.internal|host\.docker\.internal|\d+\.\d+\.\d+\.\d+|\[.*\])$/.test(h));
}

/** A small deterministic generator, so a failure can be replayed. */
function rng(seed: number): () => number {
  let x = seed;
  return () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
}

describe('peer-host scan (ENV003)', () => {
  it('finds what the former regular expression found, on 50,000 crafted short values', () => {
    const parts = ['a', 'B', '1', ':', '/', '@', '[', ']', ' ', '?', '#', ',', '.', '+', '-', '://', 'http://', 'u:p@', 'db', 'inet:', ':80'];
    const next = rng(10);
    for (let n = 0; n < 50_000; n++) {
      let s = '';
      const len = Math.floor(next() * 12);
      for (let i = 0; i < len; i++) s += parts[Math.floor(next() * parts.length)];
      expect(hostsIn('VALUE', s), JSON.stringify(s)).to.deep.equal(oracle(s));
    }
  });

  it('scans a 1 MB value and still finds the peer at its end', () => {
    const cert = 'MIIB'.repeat(262_144); // 1 MiB of base64-like text, no separators
    expect(hostsIn('CERT', `${cert} http://app-db:5432/x`)).to.deep.equal(['app-db']);
    expect(hostsIn('CERT', `${'http'.repeat(262_144)}://x`)).to.deep.equal(['x']);
    expect(hostsIn('CERT', `${'a:'.repeat(500_000)}//`)).to.deep.equal([]);
  });

  it('reports ENV003 for a 1 MB env value through synth', () => {
    const { app, site } = Testing.site();
    new Network(site, 'net', { default: true });
    const env = new EnvFile(site, 'web-env', { values: { TLS_CERT: `${'MIIB'.repeat(262_144)} https://nowhere-peer:443/` } });
    new Container(site, 'web', { image: 'docker.io/library/nginx:1.27', envFiles: [env] });
    const d = expectDiagnostic(app, 'ENV003', 'error');
    expect(d.map((x) => x.message)).to.deep.equal(['TLS_CERT names host "nowhere-peer", which no container on web\'s networks answers to']);
  });
});
