import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { commandNames, fillEnvTemplate, hostPort, kubePlaySet, readSiteTree, siteSecrets, stayUpNeeds } from '../../lib/testing/machine';
import { imagesOf } from '../e2e/sites';

/** Writes a file tree into a temp folder. */
function tree(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quadlet-cdk-machine-'));
  for (const [p, c] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
    fs.writeFileSync(path.join(dir, p), c);
  }
  return dir;
}

describe('real-run harness: reading a synthesized site', () => {
  it('names each unit as systemctl --user knows it and marks timer jobs and what only they use', () => {
    const dir = tree({
      '.config/containers/systemd/wiki.container': '[Container]\nImage=docker.io/library/x:1\nContainerName=wiki\nVolume=data.volume:/data\nNetwork=home.network\n',
      '.config/containers/systemd/anon.container': '[Container]\nImage=docker.io/library/y:1\n',
      '.config/containers/systemd/data.volume': '[Volume]\n',
      '.config/containers/systemd/old-data.volume': '[Volume]\n',
      '.config/containers/systemd/dumps.volume': '[Volume]\n',
      '.config/containers/systemd/home.network': '[Network]\n',
      '.config/systemd/user/dump.service': '[Unit]\nRequires=dumps-volume.service home-network.service\n[Service]\nType=oneshot\nExecStart=/usr/bin/podman run --rm --name=dump docker.io/library/pg:16 -c true\n',
      '.config/systemd/user/dump.timer': '[Timer]\nOnCalendar=daily\n',
      '.config/systemd/user/drain.service': '[Service]\nExecStart=%h/.local/bin/drain\n',
      '.config/systemd/user/home.target': '[Unit]\n',
      'host/etc/cloudflared/config.yml': 'x',
      '.quadlet-cdk-manifest.json': '{}',
    });
    const t = readSiteTree(dir);
    expect(t.units.map((u) => `${u.unit}${u.job ? ' (job)' : ''}`)).to.deep.equal([
      'anon.service', 'data-volume.service', 'drain.service', 'dump.service (job)', 'dump.timer', 'dumps-volume.service (job)', 'home-network.service',
      'home.target', 'old-data-volume.service (job)', 'wiki.service',
    ]);
    expect(t.target).to.equal('home.target');
    expect(t.units.find((u) => u.unit === 'anon.service')!.containerName).to.equal('systemd-anon');
    expect(Object.keys(t.files)).to.not.include('host/etc/cloudflared/config.yml');
    expect(imagesOf(dir)).to.deep.equal(['docker.io/library/pg:16', 'docker.io/library/x:1', 'docker.io/library/y:1']);
    fs.rmSync(dir, { recursive: true });
  });

  it('maps a chezmoi source tree to the files it applies', () => {
    const dir = tree({
      'home/dot_config/containers/systemd/a1.container': '[Container]\nImage=docker.io/library/x:1\n',
      'home/dot_local/bin/executable_drain': '#!/bin/sh\n',
      'home/dot_config/literal_dot_keep': 'x',
      'home/.chezmoiignore': '.config/x.env\n',
      'docs/site.md': '# x',
    });
    expect(Object.keys(readSiteTree(dir).files).sort()).to.deep.equal(['.config/containers/systemd/a1.container', '.config/dot_keep', '.local/bin/drain']);
    fs.rmSync(dir, { recursive: true });
  });
});

describe('real-run harness: secrets and stand-in commands', () => {
  it('reads which podman secrets the site makes and which the operator provides', () => {
    const dir = tree({
      '.config/containers/systemd/app.container': '[Container]\nImage=docker.io/library/x:1\n',
      '.config/systemd/user/web-secrets.service': `[Service]\nType=oneshot\nExecStart=/bin/sh -c "set -eu; /usr/bin/podman secret exists 'db-password' || head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \\\\n' | /usr/bin/podman secret create 'db-password' - >/dev/null; /usr/bin/podman secret exists 'api-key' || { echo 'podman secret api-key is missing' >&2; exit 1; }"\n`,
    });
    expect(siteSecrets(readSiteTree(dir))).to.deep.equal({ generated: ['db-password'], operator: ['api-key'] });
    fs.rmSync(dir, { recursive: true });
  });

  it('names every command a health check pipeline runs, for the stay-up stand-in', () => {
    expect(commandNames('redis-cli ping | grep -q PONG')).to.deep.equal(['redis-cli', 'grep']);
    expect(commandNames('wget -q -S -O /dev/null http://127.0.0.1:80/ 2>&1 | grep -q HTTP/')).to.deep.equal(['wget', 'grep']);
    expect(commandNames(`python3 -c 'import a; a.b("x", timeout=5)'`)).to.deep.equal(['python3']);
    expect(commandNames('["CMD-SHELL", "X=1 curl -f http://x/ || exit 1"]')).to.deep.equal(['curl', 'exit']);
    expect(commandNames('["CMD", "pg_isready", "-q"]')).to.deep.equal(['pg_isready']);
    const needs = stayUpNeeds([
      { text: '[Container]\nEntrypoint=["node", "x.js"]\nHealthCmd=sh -c true\nGroupAdd=video\nGroupAdd=44\nGroupAdd=keep-groups\n' },
      { text: '[Container]\nEntrypoint=/usr/bin/tini\nHealthCmd=valkey-cli ping | grep -q PONG\n' },
    ]);
    expect(needs).to.deep.equal({ aliases: ['grep', 'node', 'valkey-cli'], groups: ['video'] });
  });
});

describe('real-run harness: env files and ports', () => {
  it('fills only the secrets a template announces', () => {
    const tmpl = '# header\nPOSTGRES_DB=wiki\n# secret: the password\nPOSTGRES_PASSWORD=\nEMPTY_BUT_NOT_SECRET=\n';
    expect(fillEnvTemplate(tmpl, 's3cr3t')).to.equal('# header\nPOSTGRES_DB=wiki\n# secret: the password\nPOSTGRES_PASSWORD=s3cr3t\nEMPTY_BUT_NOT_SECRET=\n');
  });

  it('reads the host port of PublishPort= values', () => {
    expect(['127.0.0.1:80:80', '25:25', '993:993/tcp', '8080', '127.0.0.1::80'].map(hostPort)).to.deep.equal([80, 25, 993, undefined, undefined]);
  });
});

describe('real-run harness: what podman kube play gets', () => {
  it('keeps the kinds kube play supports, plays what others wait for first, and lists the rest', () => {
    const deploy = (name: string, init: boolean) => [
      'apiVersion: apps/v1', 'kind: Deployment', `metadata: { name: ${name}, namespace: web }`, 'spec:', '  replicas: 1', '  template:', '    spec:',
      `      containers: [{ name: ${name}, image: x }]`, ...(init ? ['      initContainers: [{ name: wait-for-db, image: b }]'] : []), '',
    ].join('\n');
    const dir = tree({
      'k8s/kustomization.yaml': 'resources: [a-app.yaml, db.yaml, svc.yaml, cm.yaml, cache.yaml]\nsecretGenerator:\n  - name: db-password\n    files: [secrets/db-password]\n',
      'k8s/a-app.yaml': deploy('app', true),
      'k8s/cache.yaml': deploy('cache', false),
      'k8s/db.yaml': 'apiVersion: apps/v1\nkind: StatefulSet\nmetadata: { name: db }\nspec:\n  replicas: 1\n  serviceName: db\n  template:\n    spec:\n      containers: [{ name: db, image: pg }]\n',
      'k8s/svc.yaml': 'apiVersion: v1\nkind: Service\nmetadata: { name: db }\n---\napiVersion: batch/v1\nkind: CronJob\nmetadata: { name: dump }\n',
      'k8s/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: app-env }\ndata: { A: b }\n',
    });
    const plain = kubePlaySet(path.join(dir, 'k8s'));
    expect(plain.played).to.deep.equal(['ConfigMap/app-env', 'Deployment/cache', 'Deployment/app']);
    expect(plain.left).to.deep.equal(['StatefulSet/db', 'Service/db', 'CronJob/dump']);
    const set = kubePlaySet(path.join(dir, 'k8s'), { statefulSetsAsDeployments: true, secretValue: 'pw' });
    expect(set.played).to.deep.equal(['ConfigMap/app-env', 'Secret/db-password', 'Deployment/cache', 'Deployment/db', 'Deployment/app']);
    expect(set.converted).to.deep.equal(['StatefulSet/db']);
    expect(set.workloads).to.deep.equal({ cache: ['cache'], db: ['db'], app: ['app'] });
    expect(set.yaml).to.contain('db-password: cHc=').and.not.contain('serviceName').and.not.contain('namespace');
    fs.rmSync(dir, { recursive: true });
  });
});
