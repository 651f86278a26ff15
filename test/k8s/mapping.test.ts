import { expect } from 'chai';
import * as path from 'path';
import * as ts from 'typescript';
import { Container, ContainerProps, dispositionOf, EnvFile, MAPPED_KINDS, Network, Pod, Secret, Site, Volume } from '../../lib';
import { codesOf, k8sSite } from './support';
import { Testing } from '../../lib/testing';

const ROOT = path.join(__dirname, '..', '..');

/** Every construct props interface, by the construct kind the mapping tables use. */
const INTERFACES: Record<string, [string, string]> = {
  'container': ['lib/quadlet/container.ts', 'ContainerProps'],
  'volume': ['lib/quadlet/volume.ts', 'VolumeProps'],
  'network': ['lib/quadlet/network.ts', 'NetworkProps'],
  'pod': ['lib/quadlet/pod.ts', 'PodProps'],
  'kube': ['lib/quadlet/kube.ts', 'KubeProps'],
  'image': ['lib/quadlet/image.ts', 'ImageProps'],
  'build': ['lib/quadlet/build.ts', 'BuildProps'],
  'artifact': ['lib/quadlet/artifact.ts', 'ArtifactProps'],
  'env-file': ['lib/quadlet/env-file.ts', 'EnvFileProps'],
  'secret': ['lib/quadlet/secret.ts', 'SecretProps'],
  'service': ['lib/systemd/service.ts', 'ServiceProps'],
  'timer': ['lib/systemd/timer.ts', 'TimerProps'],
  'container-job': ['lib/systemd/job.ts', 'ContainerJobProps'],
  'target': ['lib/systemd/target.ts', 'TargetProps'],
  'route': ['lib/caddy/route.ts', 'RouteProps'],
  'caddy': ['lib/caddy/caddy.ts', 'CaddyProps'],
  'tunnel': ['lib/caddy/tunnel.ts', 'TunnelProps'],
  'endpoint': ['lib/xhost/endpoint.ts', 'EndpointProps'],
};

/** The props of each interface, read by the TypeScript checker (inherited and generated ones included). */
function propsOfInterfaces(): Record<string, string[]> {
  const files = [...new Set(Object.values(INTERFACES).map(([f]) => path.join(ROOT, f)))];
  const program = ts.createProgram(files, { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, resolveJsonModule: true, esModuleInterop: true, skipLibCheck: true, noEmit: true });
  const checker = program.getTypeChecker();
  const out: Record<string, string[]> = {};
  for (const [kind, [file, name]] of Object.entries(INTERFACES)) {
    const sf = program.getSourceFile(path.join(ROOT, file))!;
    const decl = sf.statements.find((s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === name);
    expect(decl, `${name} in ${file}`).to.not.equal(undefined);
    out[kind] = checker.getPropertiesOfType(checker.getTypeAtLocation(decl!)).map((p) => p.name).sort();
  }
  return out;
}

describe('Kubernetes mapping: every construct prop is mapped or diagnosed', () => {
  const props = propsOfInterfaces();

  it('covers every construct kind', () => {
    expect(Object.keys(INTERFACES).sort()).to.deep.equal([...MAPPED_KINDS].sort());
  });

  it('classifies every prop of every construct (none falls through to K8S020)', () => {
    let count = 0;
    const missing: string[] = [];
    for (const [kind, list] of Object.entries(props)) {
      for (const prop of list) {
        count++;
        if (!dispositionOf(kind, prop)) missing.push(`${kind}.${prop}`);
      }
    }
    expect(missing).to.deep.equal([]);
    expect(count).to.be.greaterThan(250);
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

    for (const prop of props.container ?? propsOfInterfaces().container) {
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
