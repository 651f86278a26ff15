/**
 * Literal secrets past the variable-name rule (SECRET001): image credentials, passwords inside
 * URLs, credential flags among podman arguments, and `Creds=`. Each is an error and nothing is
 * written; the same values without a password pass.
 */
import { expect } from 'chai';
import { Build, Container, ContainerJob, EnvFile, Image, Site, Timer } from '../../lib';
import { hasUrlPassword } from '../../lib/quadlet/literal-secrets';
import { expectDiagnostic, Testing } from '../../lib/testing';

const IMG = 'docker.io/library/alpine:3.20';

function expectRefused(build: (s: Site) => void): void {
  const { app, site } = Testing.site();
  build(site);
  expectDiagnostic(app, 'SECRET001', 'error');
}

function expectAccepted(build: (s: Site) => void): void {
  const { app, site } = Testing.site();
  build(site);
  expect(Testing.codes(app)).to.not.include('SECRET001');
}

describe('literal secrets past the variable name (SECRET001)', () => {
  it('image creds with a password (.image and .build)', () => {
    expectRefused((s) => new Image(s, 'img', { image: IMG, creds: 'robot:pw' }));
    expectRefused((s) => new Build(s, 'bld', { imageTag: 'localhost/app:1', file: '/src/Containerfile', setWorkingDirectory: '/src', creds: 'robot:s3cr3t' } as any));
    expectRefused((s) => new Image(s, 'img', { image: IMG }).addEntry('Image', 'Creds', 'robot:pw'));
    expectAccepted((s) => new Image(s, 'img', { image: IMG, creds: 'robot' }));
  });

  it('Creds= with a password: the hint names the way that works (an auth file, AuthFile=), and the password is in no message', () => {
    const { app, site } = Testing.site();
    new Image(site, 'img', { image: IMG, creds: 'myname:mypassword' });
    const [d] = expectDiagnostic(app, 'SECRET001', 'error');
    expect(d.hint).to.include('podman login').and.to.include('AuthFile=').and.to.include('authFile');
    expect(`${d.message} ${d.hint}`).to.not.include('mypassword');
    new Image(site, 'img2', { image: IMG, authFile: '/etc/containers/auth-robot.json' });
    expect(Testing.diagnostics(app).filter((x) => x.path.endsWith('img2'))).to.deep.equal([]);
  });

  it('passwords inside URLs, in Environment= and in env files', () => {
    expectRefused((s) => new Container(s, 'web', { image: IMG, environment: { DATABASE_URL: 'postgres://u:pw@app-db/x' } }));
    expectRefused((s) => new Container(s, 'web', { image: IMG, environment: { REDIS_URL: 'redis://:pw@cache:6379/0' } }));
    expectRefused((s) => new EnvFile(s, 'web-env', { values: { DATABASE_URL: 'postgres://u:pw@app-db/x' } }));
    expectAccepted((s) => new EnvFile(s, 'web-env', { values: { DATABASE_URL: 'postgres://u@app-db/x', HOME_URL: 'https://example.org/a:b@c' } }));
  });

  it('credential flags among podman arguments', () => {
    expectRefused((s) => new Container(s, 'web', { image: IMG, podmanArgs: ['--creds=robot:pw'] }));
    expectRefused((s) => new Image(s, 'img', { image: IMG, podmanArgs: ['--creds', 'robot:pw'] }));
    expectRefused((s) => new Container(s, 'web', { image: IMG, podmanArgs: ['--password=hunter2'] }));
    expectRefused((s) => new Container(s, 'web', { image: IMG }).addEntry('Container', 'PodmanArgs', '--tls-verify=false --creds robot:pw'));
    expectAccepted((s) => new Container(s, 'web', { image: IMG, podmanArgs: ['--log-level=info'] }));
  });

  it('credential flags among the podman arguments of a ContainerJob (its podman run line is in the unit)', () => {
    const job = (podmanArgs: string[]) => (s: Site) => new Timer(s, 'nightly', { onCalendar: '*-*-* 03:00:00 Europe/Berlin', job: new ContainerJob({ image: IMG, podmanArgs }) });
    expectRefused(job(['--creds=robot:pw']));
    expectRefused(job(['--password', 'hunter2']));
    expectAccepted(job(['--log-level=info', '--password-stdin']));
  });

  it('the URL rule is linear and exact', () => {
    expect(hasUrlPassword(`${'A'.repeat(1_000_000)} postgres://u:pw@db/x`)).to.equal(true);
    expect(hasUrlPassword(`${'://'.repeat(300_000)}`)).to.equal(false);
    expect(hasUrlPassword('postgres://u:@db/x')).to.equal(false);
    expect(hasUrlPassword('http://db:5432/x@y')).to.equal(false);
  });
});
