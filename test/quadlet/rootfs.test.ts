import { expect } from 'chai';
import { Container, home, importQuadlets, RootFs } from '../../lib';
import { SiteDocs } from '../../lib/docs';
import { expectDiagnostic, Testing } from '../../lib/testing';
import { k8sSite } from '../k8s/support';
import { dryRun, needQuadlet, quadletFiles, values } from './support';

describe('RootFs: a container that runs a host folder instead of an image', () => {
  it('writes Rootfs= (with :O for an overlay) and no Image=, and the generator passes --rootfs', function () {
    const { app, site } = Testing.site();
    new Container(site, 'tools', { image: RootFs.at('/var/lib/tools', { overlay: true }), networkMode: 'none' });
    new Container(site, 'shell', { image: RootFs.at(home('rootfs/shell')), networkMode: 'none' });
    expect(Testing.codes(app)).to.deep.equal([]);
    const files = quadletFiles(app);
    expect(values(files['tools.container'], 'Rootfs')).to.deep.equal(['/var/lib/tools:O']);
    expect(values(files['tools.container'], 'Image')).to.deep.equal([]);
    expect(values(files['shell.container'], 'Rootfs')).to.deep.equal(['%h/rootfs/shell']);
    needQuadlet(this);
    const r = dryRun(app);
    expect(r.ok, r.stderr).to.equal(true);
    expect(r.services['tools.service']).to.match(/^ExecStart=.* --rootfs \/var\/lib\/tools:O(\s|$)/m);
    expect(r.services['shell.service']).to.match(/^ExecStart=.* --rootfs \S+\/rootfs\/shell(\s|$)/m);
  });

  it('refuses a relative folder or one with ":" (QUADLET003), and runs no image check on it', () => {
    const { app, site } = Testing.site();
    new Container(site, 'a', { image: RootFs.at('var/lib/tools'), networkMode: 'none' });
    new Container(site, 'b', { image: RootFs.at('/var/lib/tools:idmap'), networkMode: 'none' });
    const msgs = expectDiagnostic(app, 'QUADLET003', 'error').map((d) => d.message);
    expect(msgs).to.deep.equal([
      'root file system "var/lib/tools" is not absolute',
      'root file system "/var/lib/tools:idmap" contains ":", which podman reads as the start of its options',
    ]);
    expect(Testing.codes(app).filter((c) => c.startsWith('IMAGE'))).to.deep.equal([]);
  });

  it('is named in the site docs as the folder it runs', () => {
    const { app, site } = Testing.site();
    new Container(site, 'tools', { image: RootFs.at('/var/lib/tools', { overlay: true }), networkMode: 'none' });
    new SiteDocs(site, 'docs');
    const doc = Object.values(Testing.synth(app)).find((text) => text.includes('### tools.container'));
    expect(doc).to.contain('root file system `/var/lib/tools` (overlay)');
  });

  it('is an error for the Kubernetes backend (K8S028): a cluster runs images only', () => {
    const { app, site } = k8sSite({ name: 'web' });
    new Container(site, 'tools', { image: RootFs.at('/var/lib/tools'), ports: [80] });
    expectDiagnostic(app, 'K8S028', 'error', { path: 'test/tools', message: '/var/lib/tools' });
  });

  it('is what the importer makes of a plain Rootfs= (an option it cannot type stays a raw entry)', () => {
    const r = importQuadlets([
      { path: 'tools.container', text: '[Container]\nRootfs=/var/lib/tools:O\nNetwork=none\n' },
      { path: 'mapped.container', text: '[Container]\nRootfs=/var/lib/m:idmap\nNetwork=none\n' },
    ], { siteName: 'imp' });
    expect(r.source).to.contain("image: RootFs.at('/var/lib/tools', { overlay: true })");
    expect(r.source).to.match(/import \{[^}]*\bRootFs\b[^}]*\} from 'quadlet-cdk'/);
    expect(r.source).to.contain("addEntry('Container', 'Rootfs', '/var/lib/m:idmap')");
  });
});
