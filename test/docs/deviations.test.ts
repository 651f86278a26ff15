/**
 * Deliberate deviations from the design a site was written from live in the generated docs,
 * not only in code comments: each unit lists its own, and one section lists them all.
 */
import { expect } from 'chai';
import { App, Container, SiteDocs } from '../../lib';
import { Testing } from '../../lib/testing';
import sodimo from '../../apps/sodimo';

describe('deviations in the site docs', () => {
  it('a unit\'s deviations appear under the unit and in the site-wide section', () => {
    const { app, site } = Testing.site();
    new Container(site, 'web', { image: 'docker.io/library/nginx:1.27', about: { role: 'web', deviations: ['Publishes 8080 only; the design also maps 8443.'] } });
    new SiteDocs(site, 'docs');
    const doc = Testing.synth(app)['docs/test.md'];
    expect(doc).to.include('## Deviations from the design');
    expect(doc).to.include('- `web.container`: Publishes 8080 only; the design also maps 8443.');
    expect(doc).to.include('- **Deviation** · Publishes 8080 only; the design also maps 8443.');
  });

  it('a site without deviations has no such section', () => {
    const { app, site } = Testing.site();
    new Container(site, 'web', { image: 'docker.io/library/nginx:1.27' });
    new SiteDocs(site, 'docs');
    const doc = Testing.synth(app)['docs/test.md'];
    expect(doc).to.not.include('Deviations');
  });

  it('the reference site documents dropping Caddy\'s 443 mapping and its other departures from the chapter', () => {
    const app = new App({ outdir: '/nonexistent/sodimo' });
    sodimo(app);
    const doc = Testing.synth(app)['docs/sodimo.md'];
    const section = doc.slice(doc.indexOf('## Deviations from the design'), doc.indexOf('\n## ', doc.indexOf('## Deviations from the design') + 5));
    expect(section).to.include('`caddy.container`: The chapter also publishes port 443');
    expect(section).to.include('CADDY_ADMIN=off');
    expect(section).to.include('3012');
    expect(section).to.include('piler-mysql.container');
  });
});
