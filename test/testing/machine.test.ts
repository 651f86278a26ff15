import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { fillEnvTemplate, hostPort, readSiteTree } from '../../lib/testing/machine';
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
  it('names each unit as systemctl --user knows it and marks timer jobs', () => {
    const dir = tree({
      '.config/containers/systemd/wiki.container': '[Container]\nImage=docker.io/library/x:1\nContainerName=wiki\n',
      '.config/containers/systemd/anon.container': '[Container]\nImage=docker.io/library/y:1\n',
      '.config/containers/systemd/data.volume': '[Volume]\n',
      '.config/containers/systemd/home.network': '[Network]\n',
      '.config/systemd/user/dump.service': '[Service]\nType=oneshot\nExecStart=/usr/bin/podman run --rm --name=dump docker.io/library/pg:16 -c true\n',
      '.config/systemd/user/dump.timer': '[Timer]\nOnCalendar=daily\n',
      '.config/systemd/user/drain.service': '[Service]\nExecStart=%h/.local/bin/drain\n',
      '.config/systemd/user/home.target': '[Unit]\n',
      'host/etc/cloudflared/config.yml': 'x',
      '.quadlet-cdk-manifest.json': '{}',
    });
    const t = readSiteTree(dir);
    expect(t.units.map((u) => `${u.unit}${u.job ? ' (job)' : ''}`)).to.deep.equal([
      'anon.service', 'data-volume.service', 'drain.service', 'dump.service (job)', 'dump.timer', 'home-network.service', 'home.target', 'wiki.service',
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

describe('real-run harness: env files and ports', () => {
  it('fills only the secrets a template announces', () => {
    const tmpl = '# header\nPOSTGRES_DB=wiki\n# secret: the password\nPOSTGRES_PASSWORD=\nEMPTY_BUT_NOT_SECRET=\n';
    expect(fillEnvTemplate(tmpl, 's3cr3t')).to.equal('# header\nPOSTGRES_DB=wiki\n# secret: the password\nPOSTGRES_PASSWORD=s3cr3t\nEMPTY_BUT_NOT_SECRET=\n');
  });

  it('reads the host port of PublishPort= values', () => {
    expect(['127.0.0.1:80:80', '25:25', '993:993/tcp', '8080', '127.0.0.1::80'].map(hostPort)).to.deep.equal([80, 25, 993, undefined, undefined]);
  });
});
