import { expect } from 'chai';
import * as path from 'path';
import * as ts from 'typescript';
import { Container, ContainerProps, CONSTRUCT_KINDS, dispositionOf, EnvFile, MAPPED_KINDS, Network, Pod, Secret, Site, SiteProps, Volume } from '../../lib';
import { codesOf, k8sSite } from './support';
import { Testing } from '../../lib/testing';

const ROOT = path.join(__dirname, '..', '..');

/** Props of value objects that are not constructs but carry user settings, by kind. */
const VALUE_OBJECTS: Record<string, [string, string]> = {
  'container-job': ['ContainerJob', 'props'],
  'host-command': ['HostCommand', 'props'],
};
/** Props whose object type has a table of its own (`service.restartSec`), on quadlet units. */
const NESTED = ['service', 'install'];
const QUADLET_KINDS = ['container', 'volume', 'network', 'pod', 'kube', 'image', 'build', 'artifact'];

interface Derived {
  /** Exported classes of lib/ that extend Resource (not abstract). */
  readonly constructs: string[];
  /** Every prop by kind: constructor props, SiteProps, value objects, nested `service.x` / `install.x`. */
  readonly props: Record<string, string[]>;
}

/**
 * Reads the public API (lib/index.ts) with the TypeScript checker: every exported construct class,
 * the props its constructor takes (inherited and generated ones included), SiteProps, and the
 * nested options objects. Nothing here is listed by hand but the two value objects above.
 */
function derive(): Derived {
  const index = path.join(ROOT, 'lib/index.ts');
  const program = ts.createProgram([index], { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, resolveJsonModule: true, esModuleInterop: true, skipLibCheck: true, noEmit: true });
  const checker = program.getTypeChecker();
  const exports = checker.getExportsOfModule(checker.getSymbolAtLocation(program.getSourceFile(index)!)!)
    .map((s) => (s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s));
  const classOf = (name: string) => exports.find((s) => s.name === name && s.valueDeclaration && ts.isClassDeclaration(s.valueDeclaration));
  const extendsResource = (t: ts.Type): boolean => {
    for (const b of (t.isClassOrInterface() ? checker.getBaseTypes(t) : [])) {
      if (b.symbol?.name === 'Resource' || extendsResource(b)) return true;
    }
    return false;
  };
  const propsOfType = (t: ts.Type | undefined): string[] => {
    if (!t) return [];
    // `InstallOptions | false`, `ServiceOptions | undefined`: the object members only.
    const parts = t.isUnion() ? t.types : [t];
    return [...new Set(parts.filter((p) => p.flags & ts.TypeFlags.Object).flatMap((p) => checker.getPropertiesOfType(p).map((x) => x.name)))].sort();
  };
  const ctorParam = (sym: ts.Symbol, index: number): ts.Type | undefined => {
    const sigs = checker.getSignaturesOfType(checker.getTypeOfSymbolAtLocation(sym, sym.valueDeclaration!), ts.SignatureKind.Construct);
    const param = sigs[0]?.getParameters()[index];
    return param ? checker.getNonNullableType(checker.getTypeOfSymbolAtLocation(param, sym.valueDeclaration!)) : undefined;
  };
  const constructs: string[] = [];
  const props: Record<string, string[]> = {};
  for (const sym of exports) {
    const decl = sym.valueDeclaration;
    if (!decl || !ts.isClassDeclaration(decl) || decl.modifiers?.some((m) => m.kind === ts.SyntaxKind.AbstractKeyword)) continue;
    if (!extendsResource(checker.getDeclaredTypeOfSymbol(sym))) continue;
    constructs.push(sym.name);
    const kind = CONSTRUCT_KINDS[sym.name];
    if (typeof kind !== 'string') continue;
    const type = ctorParam(sym, 2);
    const list = propsOfType(type);
    props[kind] = list;
    if (QUADLET_KINDS.includes(kind)) {
      for (const n of NESTED) {
        const prop = type && checker.getPropertyOfType(type, n);
        if (prop) props[kind].push(...propsOfType(checker.getTypeOfSymbolAtLocation(prop, sym.valueDeclaration!)).map((x) => `${n}.${x}`));
      }
    }
  }
  for (const [kind, [cls]] of Object.entries(VALUE_OBJECTS)) props[kind] = propsOfType(ctorParam(classOf(cls)!, 0));
  props.site = propsOfType(ctorParam(classOf('Site')!, 2));
  return { constructs: constructs.sort(), props };
}

describe('Kubernetes mapping: every construct prop is mapped or diagnosed', () => {
  const { constructs, props } = derive();

  it('knows every construct class of the public API (a new one needs a kind in CONSTRUCT_KINDS)', () => {
    expect(constructs).to.deep.equal(Object.keys(CONSTRUCT_KINDS).sort());
    expect(constructs.length).to.be.greaterThan(25);
  });

  it('covers every construct kind, the site and the value objects', () => {
    const kinds = [...Object.values(CONSTRUCT_KINDS).filter((k): k is string => typeof k === 'string'), ...Object.keys(VALUE_OBJECTS), 'site'];
    expect(kinds.sort()).to.deep.equal([...MAPPED_KINDS].sort());
    expect(Object.keys(props).sort()).to.deep.equal([...MAPPED_KINDS].sort());
  });

  it('classifies every prop of every construct, nested options included (none falls through to K8S020)', () => {
    let count = 0;
    const missing: string[] = [];
    for (const [kind, list] of Object.entries(props)) {
      for (const prop of list) {
        count++;
        if (!dispositionOf(kind, prop)) missing.push(`${kind}.${prop}`);
      }
    }
    expect(missing).to.deep.equal([]);
    expect(count).to.be.greaterThan(500);
    for (const n of ['service.restartSec', 'install.upheldBy']) expect(props.container, n).to.include(n);
    for (const n of ['quadletOutput', 'usersDir']) expect(props.site, n).to.include(n);
  });

  describe('each site prop and each nested option that is not mapped is reported with its code', () => {
    const SITE_SAMPLES: Record<string, unknown> = { rootless: false, layout: 'chezmoi', quadletOutput: 'bundle', usersDir: 1000 };
    const NESTED_SAMPLES: Record<string, unknown> = {
      'service.restartSec': 3, 'service.startLimitIntervalSec': 60, 'service.startLimitBurst': 2, 'service.timeoutStartSec': 30,
      'install.requiredBy': ['multi-user.target'], 'install.alias': ['web2.service'], 'install.upheldBy': ['default.target'],
    };
    for (const prop of props.site) {
      const d = dispositionOf('site', prop)!;
      if (!('code' in d)) continue;
      it(`site ${prop}: ${d.code}`, () => {
        expect(SITE_SAMPLES, `a sample value for site ${prop}`).to.have.property(prop);
        const { app } = k8sSite({ name: 'map', podmanVersion: '5.8.0', [prop]: SITE_SAMPLES[prop] } as SiteProps);
        const diags = app.synthFiles({ allowErrors: true }).diagnostics.filter((x) => x.code === d.code && x.message.includes(prop));
        expect(diags.length, `${prop} should be reported as ${d.code}`).to.be.greaterThan(0);
      });
    }
    for (const prop of props.container.filter((p) => p.includes('.'))) {
      const d = dispositionOf('container', prop)!;
      if (!('code' in d)) continue;
      it(`container ${prop}: ${d.code}`, () => {
        expect(NESTED_SAMPLES, `a sample value for ${prop}`).to.have.property(prop);
        const [outer, inner] = prop.split('.');
        const { app, site } = k8sSite({ name: 'map' });
        new Container(site, 'web', { image: 'docker.io/library/nginx:1.26', ports: [8080], [outer]: { [inner]: NESTED_SAMPLES[prop] } } as ContainerProps);
        const diags = app.synthFiles({ allowErrors: true }).diagnostics.filter((x) => x.code === d.code && x.message.includes(prop));
        expect(diags.length, `${prop} should be reported as ${d.code}: ${codesOf(app.synthFiles({ allowErrors: true }).diagnostics).join(', ')}`).to.be.greaterThan(0);
      });
    }
  });

  describe('each Container prop changes the manifests, or is reported with its code', () => {
    const other = (site: Site) => new Container(site, 'dep', { image: 'docker.io/library/redis:7.4', ports: [6379] });
    /** A value for each prop; `base` holds companion props that the baseline also gets. */
    const SAMPLES: Record<string, (site: Site) => { value: unknown; base?: Partial<ContainerProps> }> = {
      image: () => ({ value: 'docker.io/library/nginx:1.27' }),
      allowFloatingTag: () => ({ value: 'reason' }),
      containerName: () => ({ value: 'other-name' }),
      networks: (s) => ({ value: [new Network(s, 'backend')] }),
      networkMode: () => ({ value: 'host' }),
      networkOf: (s) => ({ value: other(s) }),
      volumes: (s) => ({ value: [{ volume: new Volume(s, 'data'), path: '/data' }] }),
      ports: () => ({ value: [9090] }),
      publish: () => ({ value: [{ container: 8080, host: 8443, public: true }] }),
      environment: () => ({ value: { MODE: 'prod' } }),
      notSecret: () => ({ value: ['MODE'] }),
      envFiles: (s) => ({ value: [new EnvFile(s, 'web-conf', { values: { A: 'b' } })] }),
      secrets: (s) => ({ value: [{ secret: new Secret(s, 'web-key'), env: 'WEB_KEY' }] }),
      pod: (s) => ({ value: new Pod(s, 'group') }),
      entrypoint: () => ({ value: ['/bin/web'] }),
      command: () => ({ value: ['serve'] }),
      name: () => ({ value: 'renamed' }),
      description: () => ({ value: 'the web front end' }),
      about: () => ({ value: { role: 'front end' } }),
      dependsOn: (s) => ({ value: [other(s)] }),
      wants: (s) => ({ value: [other(s)] }),
      service: () => ({ value: { timeoutStopSec: 20 } }),
      install: () => ({ value: false }),
      addCapability: () => ({ value: ['NET_ADMIN'] }),
      dropCapability: () => ({ value: ['ALL'] }),
      addDevice: () => ({ value: ['/dev/dri'] }),
      annotation: () => ({ value: { note: 'x' } }),
      label: () => ({ value: { tier: 'web' } }),
      group: () => ({ value: '1000' }),
      user: () => ({ value: '1000' }),
      groupAdd: () => ({ value: ['44'] }),
      healthCmd: () => ({ value: 'curl -f http://127.0.0.1:8080/' }),
      healthInterval: () => ({ value: '10s', base: { healthCmd: 'true' } }),
      healthRetries: () => ({ value: 5, base: { healthCmd: 'true' } }),
      healthStartPeriod: () => ({ value: '30s', base: { healthCmd: 'true' } }),
      healthTimeout: () => ({ value: '3s', base: { healthCmd: 'true' } }),
      healthOnFailure: () => ({ value: 'none', base: { healthCmd: 'true' } }),
      healthStartupCmd: () => ({ value: 'true' }),
      healthStartupInterval: () => ({ value: '2s', base: { healthStartupCmd: 'true' } }),
      healthStartupRetries: () => ({ value: 9, base: { healthStartupCmd: 'true' } }),
      healthStartupTimeout: () => ({ value: '2s', base: { healthStartupCmd: 'true' } }),
      hostName: () => ({ value: 'web-host' }),
      memory: () => ({ value: '512m' }),
      noNewPrivileges: () => ({ value: true }),
      readOnly: () => ({ value: true }),
      shmSize: () => ({ value: '64m' }),
      stopTimeout: () => ({ value: 30 }),
      tmpfs: () => ({ value: ['/tmp'] }),
      workingDir: () => ({ value: '/srv' }),
      pull: () => ({ value: 'always' }),
      dnsSearch: () => ({ value: ['example.org'] }),
      dnsOption: () => ({ value: ['ndots:2'] }),
      sysctl: () => ({ value: ['net.ipv4.ip_unprivileged_port_start=0'] }),
    };
    /** A plausible value for a generic quadlet key that has no sample above. */
    const generic = (prop: string): unknown => {
      if (/^(readOnlyTmpfs|runInit|environmentHost|httpProxy|securityLabelDisable|securityLabelNested|volatileTmp|startWithPod)$/.test(prop)) return true;
      if (/^(healthMaxLogCount|healthMaxLogSize|healthStartupSuccess|pidsLimit|remapUidSize|retry)$/.test(prop)) return 3;
      if (/^(dns|exposeHostPort|mask|unmask|ulimit|logOpt|mount|addHost|gidMap|uidMap|remapGid|remapUid|containersConfModule|reloadCmd)$/.test(prop)) return ['x'];
      return 'x';
    };

    const build = (extra: Record<string, unknown>) => {
      const { app, site } = k8sSite({ name: 'map' });
      new Container(site, 'web', { image: 'docker.io/library/nginx:1.26', ports: [8080], ...extra } as ContainerProps);
      const out = app.synthFiles({ allowErrors: true });
      return { files: Testing.filesOf(out), diagnostics: out.diagnostics };
    };

    for (const prop of props.container.filter((p) => !p.includes('.'))) {
      it(prop, () => {
        const d = dispositionOf('container', prop)!;
        const { site } = k8sSite({ name: 'probe' });
        const sample = SAMPLES[prop]?.(site);
        // Samples that build constructs are rebuilt inside each app below.
        const valueIn = (s: Site) => (SAMPLES[prop] ? SAMPLES[prop](s).value : generic(prop));
        const base = sample?.base ?? {};
        const before = build(base);
        const { app, site: s2 } = k8sSite({ name: 'map' });
        new Container(s2, 'web', { image: 'docker.io/library/nginx:1.26', ports: [8080], ...base, [prop]: valueIn(s2) } as ContainerProps);
        const out = app.synthFiles({ allowErrors: true });
        const after = { files: Testing.filesOf(out), diagnostics: out.diagnostics };
        if ('to' in d) {
          expect(after.files, `${prop} is mapped to ${d.to} but changes nothing`).to.not.deep.equal(before.files);
        } else if ('code' in d) {
          const hits = after.diagnostics.filter((x) => x.code === d.code && x.message.includes(prop));
          expect(hits.length, `${prop} should be reported as ${d.code}: ${codesOf(after.diagnostics).join(', ')}`).to.be.greaterThan(0);
        } else {
          expect(d.check).to.be.a('string');
        }
      });
    }
  });
});
