import { expect } from 'chai';
import { Caddy, Container, Network, Route } from '../../lib';
import { expectDiagnostic, Testing } from '../../lib/testing';

const IMG = 'docker.io/library/alpine:3.20';

describe('route reachability from inside the Caddy container', () => {
  const setup = () => {
    const t = Testing.site({ domains: ['example.org'] });
    new Network(t.site, 'net', { default: true });
    return { ...t, caddy: new Caddy(t.site, 'caddy') };
  };

  it('CADDY020: a host port a container publishes on 127.0.0.1 only, dialled through host.containers.internal', () => {
    const { app, site, caddy } = setup();
    new Container(site, 'cockpit', { image: IMG, publish: [{ container: 9090 }] });
    new Route(caddy, 'cockpit', { host: 'cockpit.example.org', hostPort: 9090 });
    const [d] = expectDiagnostic(app, 'CADDY020', 'error', { path: 'test/caddy/cockpit' });
    expect(d.message).to.contain('cockpit publishes 9090 on 127.0.0.1 only').and.contain('--map-guest-addr').and.contain('target: cockpit.port(9090)');
  });

  it('CADDY020: an upstream on 127.0.0.1 or localhost is the Caddy container itself', () => {
    const { app, caddy } = setup();
    new Route(caddy, 'app', { host: 'app.example.org', upstream: 'http://127.0.0.1:8080' });
    new Route(caddy, 'other', { host: 'other.example.org', upstream: 'localhost:3000' });
    expect(expectDiagnostic(app, 'CADDY020', 'error')).to.have.length(2);
  });

  it('a host port no site container holds on loopback, a public one, and a container target pass', () => {
    const { app, site, caddy } = setup();
    const web = new Container(site, 'web', { image: IMG, publish: [{ container: 80, host: 8080 }] });
    new Container(site, 'mail', { image: IMG, publish: [{ container: 8025, public: true }] });
    new Route(caddy, 'host-cockpit', { host: 'cockpit.example.org', hostPort: 9090 });
    new Route(caddy, 'mail', { host: 'mail.example.org', hostPort: 8025 });
    new Route(caddy, 'web', { host: 'web.example.org', target: web.port(80) });
    expect(Testing.codes(app)).to.not.include('CADDY020');
  });
});
