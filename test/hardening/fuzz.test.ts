/**
 * Fuzzed trees. Valid ones (every quadlet unit kind, env files, secrets, Caddy routes, timers and
 * services, random names and hostile values) must synthesize without errors and every quadlet
 * file must pass the real generator: one dry run per tree, many units per tree. Invalid ones
 * must come back as diagnostics, never as an exception.
 */
import { expect } from 'chai';
import * as fc from 'fast-check';
import {
  allCodes, App, Build, Caddy, Container, ContainerJob, EnvFile, formatDiagnostics, HostCommand, Image, IServiceUnit, Kube,
  Network, Pod, QuadletUnit, Route, Secret, Service, Site, Target, Timer, Volume,
} from '../../lib';
import { findValidators, quadletDryRun, requireValidators, Testing } from '../../lib/testing';

const NAME_CHARS = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-'];
/** A random name part; uniqueness comes from the index the caller puts in front. */
const namePart = fc.string({ unit: fc.constantFrom(...NAME_CHARS), minLength: 0, maxLength: 10 });
/** Characters that break naive quoting: quotes, specifiers, backslashes, unicode, whitespace. */
const HOSTILE = ['a', 'Z', '0', ' ', '"', "'", '%', '$', '\\', 'é', '✓', '{', '}', ';', '\t', '=', ':', ',', '/', '-', '#', '*', '`', '!', '&', '|', '<', '>', '(', ')', '~', '?', '@', '[', ']'];
const hostile = fc.array(fc.constantFrom(...HOSTILE), { minLength: 0, maxLength: 16 }).map((a) => a.join(''))
  .filter((v) => !/:\/\/|inet:/.test(v)); // a URL would name a peer host, which ENV003 rightly checks
const hostileWithNewline = fc.array(fc.constantFrom(...HOSTILE, '\n'), { minLength: 0, maxLength: 16 }).map((a) => a.join(''))
  .filter((v) => !/:\/\/|inet:/.test(v));
/** Variable name tails that cannot spell PASSWORD, TOKEN, HOST and the like. */
const varTail = fc.string({ unit: fc.constantFrom('A', 'B', 'C', 'X', 'Y', '_', '0', '1'), minLength: 0, maxLength: 6 });
const hex64 = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 });
const image = fc.oneof(
  fc.tuple(fc.constantFrom('docker.io/library/alpine', 'ghcr.io/example/app_x', 'quay.io/org-a/b.c', 'registry.example.org:5000/team/svc'), fc.nat(40), fc.nat(9))
    .map(([repo, a, b]) => `${repo}:${a}.${b}`),
  fc.tuple(fc.constantFrom('docker.io/library/postgres', 'ghcr.io/example/app'), hex64).map(([repo, d]) => `${repo}@sha256:${d}`),
);

interface Counts {
  networks: number;
  volumes: number;
  pods: number;
  images: number;
  builds: number;
  kubes: number;
  envFiles: number;
  secrets: number;
  containers: number;
  routes: number;
  timers: number;
}

const treeArb = fc.record({
  seed: fc.integer(),
  counts: fc.record<Counts>({
    networks: fc.integer({ min: 0, max: 3 }),
    volumes: fc.integer({ min: 0, max: 3 }),
    pods: fc.integer({ min: 0, max: 2 }),
    images: fc.integer({ min: 0, max: 2 }),
    builds: fc.integer({ min: 0, max: 2 }),
    kubes: fc.integer({ min: 0, max: 2 }),
    envFiles: fc.integer({ min: 0, max: 3 }),
    secrets: fc.integer({ min: 0, max: 2 }),
    containers: fc.integer({ min: 1, max: 10 }),
    routes: fc.integer({ min: 0, max: 3 }),
    timers: fc.integer({ min: 0, max: 2 }),
  }),
  names: fc.array(namePart, { minLength: 40, maxLength: 40 }),
  values: fc.array(hostile, { minLength: 40, maxLength: 40 }),
  lines: fc.array(hostileWithNewline, { minLength: 20, maxLength: 20 }),
  tails: fc.array(varTail, { minLength: 20, maxLength: 20 }),
  images: fc.array(image, { minLength: 10, maxLength: 10 }),
  picks: fc.array(fc.nat(1000), { minLength: 200, maxLength: 200 }),
  layout: fc.constantFrom<'home' | 'chezmoi'>('home', 'chezmoi'),
  withTarget: fc.boolean(),
});
type Tree = typeof treeArb extends fc.Arbitrary<infer T> ? T : never;

/** Builds a valid site from the random draws; returns the units that must reach the generator. */
function buildValid(t: Tree): { app: App; site: Site; units: QuadletUnit[] } {
  const { app, site } = Testing.site({ domains: ['example.org'], layout: t.layout });
  let pick = 0;
  const next = (n: number) => (n <= 0 ? 0 : t.picks[pick++ % t.picks.length] % n);
  const chance = (pct: number) => next(100) < pct;
  let nameIdx = 0;
  const name = (prefix: string, i: number) => `${prefix}${i}${t.names[nameIdx++ % t.names.length]}`;
  let value = 0;
  const val = () => t.values[value++ % t.values.length];
  /** A command argument: a lone ";" is systemd's command separator (UNIT002 / QUADLET003 say so). */
  const arg = () => (val() === ';' ? 'x;' : t.values[(value - 1) % t.values.length]);
  let port = 20000;
  const units: QuadletUnit[] = [];
  const subset = <T>(xs: T[]) => xs.filter(() => chance(50));

  if (t.withTarget) new Target(site, 'target', { name: `site-target` });
  const def = new Network(site, 'default-net', { name: 'n-default', default: true });
  units.push(def);
  const networks = Array.from({ length: t.counts.networks }, (_, i) => {
    const subnet = chance(50) ? `10.${100 + i}.0.0/24` : undefined;
    return new Network(site, `net${i}`, { name: name('n', i), subnet, gateway: subnet && chance(50) ? `10.${100 + i}.0.1` : undefined, internal: chance(30) ? true : undefined });
  });
  const volumes = Array.from({ length: t.counts.volumes }, (_, i) => new Volume(site, `vol${i}`, { name: name('v', i), user: chance(30) ? next(2000) : undefined, group: chance(30) ? next(2000) : undefined }));
  const pods = Array.from({ length: t.counts.pods }, (_, i) => new Pod(site, `pod${i}`, {
    name: name('p', i),
    networks: chance(50) ? subset([def, ...networks]) : undefined,
    publish: chance(50) ? [{ host: port++, container: 80 + next(1000) }] : undefined,
    volumes: volumes.length && chance(50) ? [{ volume: volumes[next(volumes.length)], path: '/shared' }] : undefined,
  }));
  const images = Array.from({ length: t.counts.images }, (_, i) => new Image(site, `img${i}`, { name: name('i', i), image: t.images[next(10)] }));
  const builds = Array.from({ length: t.counts.builds }, (_, i) => new Build(site, `build${i}`, {
    name: name('b', i),
    imageTag: `localhost/build${i}:${1 + next(9)}.0`,
    ...(chance(50) ? { file: `/srv/build${i}/Containerfile` } : { setWorkingDirectory: 'unit' }),
    networks: chance(30) ? [def] : undefined,
  }));
  const kubes = Array.from({ length: t.counts.kubes }, (_, i) => new Kube(site, `kube${i}`, {
    name: name('k', i),
    yaml: `/srv/kube/play${i}.yaml`,
    publish: chance(50) ? [{ host: port++, container: 8000 + next(100) }] : undefined,
  }));
  const envFiles = Array.from({ length: t.counts.envFiles }, (_, i) => new EnvFile(site, `env${i}`, {
    name: name('e', i),
    values: Object.fromEntries(Array.from({ length: 1 + next(3) }, (_, j) => [`F${i}_${j}${t.tails[next(20)]}`, t.lines[next(20)].replace(/\n/g, ' ')])),
    secrets: chance(50) ? { [`F${i}_S${t.tails[next(20)]}`]: { description: val() } } : undefined,
  }));
  const secrets = Array.from({ length: t.counts.secrets }, (_, i) => new Secret(site, `secret${i}`, { name: name('s', i) }));
  const containers: Container[] = [];
  for (let i = 0; i < t.counts.containers; i++) {
    const inPod = pods.length > 0 && chance(30);
    const source = next(4);
    const img = source === 1 && images.length ? images[next(images.length)] : source === 2 && builds.length ? builds[next(builds.length)] : t.images[next(10)];
    const earlier: IServiceUnit[] = subset(containers.slice(-3));
    const c = new Container(site, `ct${i}`, {
      name: name('ct', i),
      image: img,
      description: chance(30) ? `d ${val()}.` : undefined, // not blank at either end: the generator trims (QUADLET003)
      pod: inPod ? pods[next(pods.length)] : undefined,
      networks: !inPod && chance(50) ? subset([def, ...networks]) : undefined,
      ports: [8080],
      publish: !inPod && chance(40) ? [{ host: port++, container: 8080 }] : undefined,
      volumes: [
        ...(volumes.length && chance(60) ? [{ volume: volumes[next(volumes.length)], path: `/data${i}`, readOnly: chance(50) }] : []),
        ...(chance(30) ? [{ hostPath: `/srv/host ${val().replace(/[:\s]/g, '')}x`, path: '/host', options: ['z'] }] : []),
      ],
      environment: Object.fromEntries(Array.from({ length: next(4) }, (_, j) => [`E${j}${t.tails[next(20)]}`, chance(50) ? t.lines[next(20)] : val()])),
      envFiles: subset(envFiles),
      secrets: secrets.length && chance(50) ? [{ secret: secrets[next(secrets.length)], ...(chance(50) ? { env: `SEC_${i}` } : { target: `/run/secrets/s${i}` }) }] : undefined,
      command: chance(50) ? Array.from({ length: 1 + next(3) }, arg) : undefined,
      entrypoint: chance(20) ? ['/bin/sh', '-c', val()] : undefined,
      dependsOn: earlier.length ? earlier : undefined,
      service: chance(30) ? { restart: 'on-failure', restartSec: next(30), timeoutStartSec: 1 + next(900) } : undefined,
    });
    containers.push(c);
  }
  units.push(...networks, ...volumes, ...pods, ...images, ...builds, ...kubes, ...containers);
  const reachable = containers.filter((c) => !c.props.pod && !c.props.networks);
  if (t.counts.routes && reachable.length) {
    const caddy = new Caddy(site, 'caddy', { publish: [{ host: port++, container: 80 }] });
    units.push(caddy.container);
    for (let r = 0; r < t.counts.routes; r++) {
      new Route(caddy, `route${r}`, { host: `r${r}x${t.tails[next(20)].toLowerCase().replace(/_/g, '')}.example.org`, target: reachable[next(reachable.length)].port(8080) });
    }
  }
  for (let i = 0; i < t.counts.timers; i++) {
    const job = chance(50)
      ? new ContainerJob({ image: t.images[next(10)], command: ['/bin/true', arg()], environment: { J: val() } })
      : new HostCommand({ argv: ['/usr/bin/env', arg()] });
    new Timer(site, `timer${i}`, { name: name('t', i), onCalendar: '*-*-* 03:00:00 UTC', job });
  }
  if (chance(30)) new Service(site, 'svc', { name: 'host-svc', exec: ['/usr/bin/sleep', 'infinity'], environment: { V: val() } });
  return { app, site, units };
}

describe('fuzzed trees (hardening)', function () {
  this.timeout(300_000);

  describe('valid trees pass the real quadlet generator', () => {
    before(function () {
      if (!findValidators().quadlet) {
        if (requireValidators()) throw new Error('quadlet generator missing: run scripts/ensure-validators.sh');
        this.skip();
      }
    });

    it('every construct kind, random names and hostile values: no errors, every unit generated', () => {
      fc.assert(fc.property(treeArb, (t) => {
        const { app, site, units } = buildValid(t);
        const out = app.synthFiles({ allowErrors: true });
        const errors = out.diagnostics.filter((d) => d.severity === 'error');
        expect(errors, formatDiagnostics(errors)).to.deep.equal([]);
        const files = Testing.area(Testing.filesOf(out), site.dirOf('quadlet'));
        const quadletFiles = Object.fromEntries(Object.entries(files).filter(([p]) => !p.includes('/') && /\.(container|network|volume|pod|image|build|kube)$/.test(p)));
        const result = quadletDryRun(quadletFiles);
        expect(result.ok, result.stderr).to.equal(true);
        for (const u of units) {
          expect(result.services, `${u.unitFileName} -> ${u.serviceName}\n${result.stderr}`).to.have.property(u.serviceName);
        }
      }), { numRuns: Number(process.env.FUZZ_RUNS ?? 25), seed: Number(process.env.FUZZ_SEED ?? 20261127) });
    });
  });

  describe('invalid inputs become diagnostics, never exceptions', () => {
    const known = new Set(allCodes().map(([c]) => c));
    const anyText = fc.string({ unit: 'binary', maxLength: 24 });
    /** Always invalid: a character no name allows. */
    const badName = fc.tuple(anyText, fc.constantFrom(' ', '/', '\\', '@', '\n', '"', '')).map(([s, c]) => (c === '' ? '' : `${s}${c}`));
    const badPort = fc.oneof(fc.integer({ max: 0 }), fc.integer({ min: 65536 }), fc.double({ min: 1, max: 65535, noInteger: true }));
    const badImage = fc.oneof(anyText.map((s) => `${s} `), fc.constantFrom('alpine', 'docker.io/library/alpine', 'alpine:latest', 'docker.io/library/alpine:edge', 'Docker.io/x:1'));

    /** One injected fault: what it builds, and the codes of which it must produce at least one error. */
    interface Fault {
      readonly codes: readonly string[];
      readonly build: (site: Site, app: App) => void;
    }
    const IMG = 'docker.io/library/alpine:3.20';
    const IMAGE_CODES = ['IMAGE001', 'IMAGE002', 'IMAGE004'];
    const faultOf = <T>(arb: fc.Arbitrary<T>, codes: string[], build: (v: T) => Fault['build']): fc.Arbitrary<Fault> => arb.map((v) => ({ codes, build: build(v) }));
    const fault: fc.Arbitrary<Fault> = fc.oneof(
      faultOf(badImage, IMAGE_CODES, (img) => (s) => new Container(s, 'f-image', { image: img })),
      faultOf(badImage, IMAGE_CODES, (img) => (s) => new Image(s, 'f-imageunit', { image: img })),
      faultOf(badName, ['QUADLET004'], (n) => (s) => new Container(s, 'f-name', { image: IMG, name: n })),
      faultOf(badName, ['QUADLET004'], (n) => (s) => new Network(s, 'f-net', { name: n })),
      faultOf(badName, ['SECRET002'], (n) => (s) => new Secret(s, 'f-secret', { name: n })),
      faultOf(badPort, ['PORT003'], (p) => (s) => new Container(s, 'f-port', { image: IMG, ports: [p] })),
      faultOf(badPort, ['PORT003'], (p) => (s) => new Container(s, 'f-publish', { image: IMG, publish: [{ host: p, container: 80 }] })),
      faultOf(badPort, ['PORT003'], (p) => (s) => new Pod(s, 'f-pod', { publish: [{ host: 8080, container: p }] })),
      faultOf(fc.tuple(badName, anyText), ['ENV002'], ([k, v]) => (s) => new EnvFile(s, 'f-env', { values: { [k]: v } })),
      faultOf(anyText, ['ENV002'], (v) => (s) => new EnvFile(s, 'f-env-nl', { values: { LINE: `${v}\n${v}` } })),
      faultOf(anyText, ['QUADLET003'], (v) => (s) => new Network(s, 'f-subnet', { subnet: `${v}!` })),
      faultOf(anyText, ['QUADLET002'], (v) => (s) => new Container(s, 'f-raw', { image: IMG }).addEntry('Container', `X${v.replace(/[^A-Za-z]/g, '')}Unknown`, v)),
      faultOf(anyText, ['TIMER001'], (v) => (s) => new Timer(s, 'f-timer', { onCalendar: `nonsense ${v}`, job: new HostCommand({ argv: ['/usr/bin/true'] }) })),
      faultOf(anyText, ['UNIT003'], (v) => (s) => new Service(s, 'f-service', { exec: [`relative${v.replace(/^\/+/, '')}`] })),
      faultOf(anyText, ['CADDY011', 'CADDY012'], (v) => (s) => {
        const c = new Container(s, 'f-route-target', { image: IMG, ports: [80] });
        new Route(new Caddy(s, 'f-caddy'), 'f-route', { host: `${v}.example.com`, target: c.port(80) });
      }),
      fc.constant<Fault>({ codes: ['CORE001'], build: (s) => {
        const a = new Container(s, 'f-cycle-a', { image: IMG });
        a.dependsOn(new Container(s, 'f-cycle-b', { image: IMG, dependsOn: [a] }));
      } }),
      fc.constant<Fault>({ codes: ['CORE005'], build: (s, app) => {
        app.registerSecretValue('s3cr3t-value-canary');
        new Container(s, 'f-leak', { image: IMG, command: ['echo', 's3cr3t-value-canary'] });
      } }),
    );

    it('one to three faults in an otherwise valid tree: each reported as its own code, every code registered, no throw', () => {
      const seen = new Set<string>();
      fc.assert(fc.property(treeArb, fc.array(fault, { minLength: 1, maxLength: 3 }), (t, faults) => {
        const { app, site } = buildValid(t);
        const scopes: Site[] = [];
        let out: ReturnType<App['synthFiles']> | undefined;
        expect(() => {
          faults.forEach((f, i) => {
            const scope = i === 0 ? site : new Site(app, `fault${i}`, { domains: ['example.org'] });
            scopes.push(scope);
            f.build(scope, app);
          });
          out = app.synthFiles({ allowErrors: true });
        }).to.not.throw();
        const errors = out!.diagnostics.filter((d) => d.severity === 'error');
        // Each fault sits in its own site (the first in the valid tree's): its site must show one of its codes.
        faults.forEach((f, i) => {
          const root = scopes[i].node.path;
          const own = errors.filter((d) => d.path === root || d.path.startsWith(`${root}/`)).map((d) => d.code);
          expect(own.filter((c) => f.codes.includes(c)), `fault ${i} (${f.codes.join('/')}) not reported on ${root}: ${formatDiagnostics(out!.diagnostics)}`).to.not.be.empty;
          f.codes.filter((c) => own.includes(c)).forEach((c) => seen.add(c));
        });
        for (const d of out!.diagnostics) expect(known.has(d.code), d.code).to.equal(true);
        expect(errors.map((d) => d.code), 'an internal error instead of a diagnostic').to.not.include('CORE004');
      }), { numRuns: Number(process.env.FUZZ_RUNS ?? 60), seed: Number(process.env.FUZZ_SEED ?? 20261127) });
      // The runs exercised most kinds of fault (not one kind over and over).
      expect(seen.size, [...seen].join(' ')).to.be.at.least(10);
    });

    it('arbitrary strings anywhere a string goes: never an exception, never an internal error', () => {
      fc.assert(fc.property(fc.array(anyText, { minLength: 12, maxLength: 12 }), (s) => {
        const { app, site } = Testing.site({ domains: ['example.org'] });
        expect(() => {
          const net = new Network(site, 'n', { name: s[0], subnet: s[1] });
          const vol = new Volume(site, 'v', { name: s[2] });
          const env = new EnvFile(site, 'e', { name: s[3], values: { [s[4]]: s[5] } });
          const c = new Container(site, 'c', {
            image: s[6], name: s[7], containerName: s[8], networks: [net], volumes: [{ volume: vol, path: s[9] }],
            envFiles: [env], environment: { [s[10]]: s[11] }, command: [s[0], s[1]], ports: [80],
          });
          new Route(new Caddy(site, 'caddy'), 'r', { host: s[2], target: c.port(80), paths: [{ path: s[3], upstream: s[4] }] });
          new Timer(site, 't', { onCalendar: s[5], job: new HostCommand({ argv: [s[6]] }) });
          new Service(site, 'svc', { name: s[7], exec: [s[8]] });
          app.synthFiles({ allowErrors: true });
        }).to.not.throw();
        expect(Testing.codes(app)).to.not.include('CORE004');
      }), { numRuns: Number(process.env.FUZZ_RUNS ?? 100), seed: Number(process.env.FUZZ_SEED ?? 20261127) });
    });
  });
});
