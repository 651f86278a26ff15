import { spawnSync } from 'child_process';
import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Container, Target } from '../../lib';
import { expectDiagnostic, Testing } from '../../lib/testing';
import { buildSite, IMG } from './support';

const SCRIPT = 'home/.chezmoiscripts/run_onchange_after_test-deploy.sh';

describe('deploy: the chezmoi script', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'qcdk-chezmoi-'));
    fs.mkdirSync(path.join(dir, 'bin'));
    // A systemctl that only says what it was asked to do.
    fs.writeFileSync(path.join(dir, 'bin', 'systemctl'), `#!/bin/sh\necho "$*" >> "${dir}/calls"\n`, { mode: 0o755 });
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const scriptOf = (v: Parameters<typeof buildSite>[0]) => Testing.synth(buildSite({ layout: 'chezmoi', ...v }).app)[SCRIPT];
  /** Runs the script as chezmoi would (sh, in the user's environment); the systemctl calls it made. */
  const runScript = (text: string): string[] => {
    fs.rmSync(path.join(dir, 'calls'), { force: true });
    fs.writeFileSync(path.join(dir, 'script.sh'), text);
    const r = spawnSync('sh', [path.join(dir, 'script.sh')], {
      encoding: 'utf8', env: { PATH: `${path.join(dir, 'bin')}:/usr/bin:/bin`, HOME: dir, XDG_STATE_HOME: path.join(dir, 'state') },
    });
    expect(r.status, r.stderr).to.equal(0);
    return fs.existsSync(path.join(dir, 'calls')) ? fs.readFileSync(path.join(dir, 'calls'), 'utf8').trim().split('\n') : [];
  };

  it('is written only in the chezmoi layout, and embeds a hash per unit', () => {
    expect(Object.keys(Testing.synth(buildSite().app)).some((p) => p.includes('.chezmoiscripts'))).to.equal(false);
    const text = scriptOf({});
    expect(text).to.match(/^worker\.service [0-9a-f]{16} start$/m);
    expect(text).to.match(/^extra-data-volume\.service [0-9a-f]{16} follow$/m);
  });

  it('starts everything the first time, nothing when nothing changed, and exactly the changed and removed units after', () => {
    const first = runScript(scriptOf({}));
    expect(first[0]).to.equal('--user daemon-reload');
    expect(first).to.include.members(['--user start web.service', '--user start app-db.service', '--user start caddy.service']);
    expect(first.indexOf('--user start app-db.service')).to.be.lessThan(first.indexOf('--user start web.service'));
    expect(runScript(scriptOf({}))).to.deep.equal(['--user daemon-reload']);
    expect(runScript(scriptOf({ level: 'debug' }))).to.deep.equal(['--user daemon-reload', '--user restart worker.service']);
    expect(runScript(scriptOf({ level: 'debug', extra: false }))).to.deep.equal([
      '--user daemon-reload', '--user stop extra.service', '--user reset-failed extra.service',
      '--user stop extra-data-volume.service', '--user reset-failed extra-data-volume.service',
    ]);
    expect(runScript(scriptOf({ level: 'debug', extra: false, host: 'app.example.org' }))).to.deep.equal(['--user daemon-reload', '--user restart caddy.service']);
  });
});

describe('deploy: auto-update', () => {
  it('writes AutoUpdate=, and the site target wants podman-auto-update.timer', () => {
    const { app, site } = Testing.site();
    new Target(site, 'target');
    new Container(site, 'web', { image: IMG, autoUpdate: 'registry', healthCmd: 'true' });
    const files = Testing.synth(app);
    expect(files['.config/containers/systemd/web.container']).to.match(/^AutoUpdate=registry$/m).and.not.include('podman-auto-update.timer');
    expect(files['.config/systemd/user/test.target']).to.match(/^Wants=.*podman-auto-update\.timer/m);
  });

  it('without a site target, the container wants the timer itself; without autoUpdate nothing does', () => {
    const { app, site } = Testing.site();
    new Container(site, 'web', { image: IMG, autoUpdate: 'local', healthCmd: 'true' });
    new Container(site, 'api', { image: IMG });
    const files = Testing.synth(app);
    expect(files['.config/containers/systemd/web.container']).to.match(/^Wants=podman-auto-update\.timer$/m).and.match(/^AutoUpdate=local$/m);
    expect(files['.config/containers/systemd/api.container']).to.not.include('AutoUpdate').and.not.include('podman-auto-update');
  });

  it('DEPLOY010 (warning): auto-update without a health check; DEPLOY011 (warning): registry updates of a digest', () => {
    const a = Testing.site();
    new Container(a.site, 'web', { image: IMG, autoUpdate: 'registry' });
    expectDiagnostic(a.app, 'DEPLOY010', 'warning');
    const b = Testing.site();
    new Container(b.site, 'web', { image: `${IMG}@sha256:${'a'.repeat(64)}`, autoUpdate: 'registry', healthCmd: 'true' });
    expectDiagnostic(b.app, 'DEPLOY011', 'warning');
  });
});
