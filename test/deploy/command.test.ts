import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { cli, LIB, scratch } from '../cli/support';

/** An app with one rootless site: `web` reads web.env (MODE), `extra` exists when asked. */
const app = (mode: string, extra: boolean) => `import { App, Container, EnvFile, Site } from ${LIB};
export default (app: App) => {
  const site = new Site(app, 'box');
  const env = new EnvFile(site, 'web-env', { name: 'web', values: { MODE: '${mode}' } });
  new Container(site, 'web', { image: 'docker.io/library/nginx:1.27', networkMode: 'none', envFiles: [env] });
  ${extra ? "new Container(site, 'extra', { image: 'docker.io/library/nginx:1.27', networkMode: 'none' });" : ''}
};
`;

describe('quadlet-cdk diff and apply', function () {
  this.timeout(60_000);
  let s: ReturnType<typeof scratch>;
  let root: string;
  beforeEach(() => {
    s = scratch();
    root = path.join(s.dir, 'root');
    fs.mkdirSync(root);
  });
  afterEach(() => s.cleanup());

  it('diff exits 1 with changes, 0 once applied, 1 again after a change; --json gives the plan as data', async () => {
    const file = s.write('box.ts', app('prod', true));
    const first = await cli(['diff', file, '--installed', root], s.dir);
    expect(first.code).to.equal(1);
    expect(first.stdout).to.include('+ .config/containers/systemd/web.container').and.include('start    web.service');

    const staged = await cli(['apply', file, '--root', root, '--no-systemd', '--yes'], s.dir);
    expect(staged.code, staged.stderr).to.equal(0);
    expect(staged.stdout).to.include('systemctl --user daemon-reload').and.include('systemctl --user start web.service');
    expect(fs.readFileSync(path.join(root, '.config/box/web.env'), 'utf8')).to.include('MODE=prod');

    const same = await cli(['diff', file, '--installed', root], s.dir);
    expect([same.code, same.stdout]).to.deep.equal([0, 'site box: up to date (no file and no unit changes)\n']);

    s.write('box.ts', app('dev', false));
    const changed = await cli(['diff', file, '--installed', root, '--json'], s.dir);
    expect(changed.code).to.equal(1);
    const plan = JSON.parse(changed.stdout);
    expect(plan.restart).to.deep.equal([{ unit: 'web.service', because: ['.config/box/web.env.tmpl'] }]);
    expect(plan.stop).to.deep.equal(['extra.service']);
    expect(plan.remove).to.deep.equal(['extra.service']);
    expect(plan.files.map((f: any) => [f.path, f.change])).to.deep.equal([
      ['.config/box/web.env.tmpl', 'change'], ['.config/containers/systemd/extra.container', 'remove'], ['.config/containers/systemd/web.container', 'change'],
    ]);
  });

  it('diff exits 2 when the app fails or the manifest is damaged; apply --dry-run changes nothing', async () => {
    const bad = s.write('bad.ts', app('prod', false).replace('nginx:1.27', 'nginx'));
    expect((await cli(['diff', bad, '--installed', root], s.dir)).code).to.equal(2);
    const file = s.write('box.ts', app('prod', false));
    fs.writeFileSync(path.join(root, '.quadlet-cdk-manifest.json'), '{');
    const damaged = await cli(['diff', file, '--installed', root], s.dir);
    expect(damaged.code).to.equal(2);
    expect(damaged.stderr).to.include('OUTPUT002');
    fs.rmSync(path.join(root, '.quadlet-cdk-manifest.json'));
    const dry = await cli(['apply', file, '--root', root, '--dry-run'], s.dir);
    expect(dry.code).to.equal(0);
    expect(dry.stdout).to.include('commands apply would run:');
    expect(fs.readdirSync(root)).to.deep.equal([]);
  });

  it('apply without --yes and without a terminal changes nothing', async () => {
    const file = s.write('box.ts', app('prod', false));
    const r = await cli(['apply', file, '--root', root, '--no-systemd'], s.dir);
    expect(r.code).to.equal(1);
    expect(r.stderr).to.include('pass --yes');
    expect(fs.existsSync(path.join(root, '.quadlet-cdk-manifest.json'))).to.equal(false);
  });

  it('apply --json gives the plan, the files written and the commands as data', async () => {
    const file = s.write('box.ts', app('prod', false));
    const r = await cli(['apply', file, '--root', root, '--no-systemd', '--yes', '--json'], s.dir);
    expect(r.code, r.stderr).to.equal(0);
    const out = JSON.parse(r.stdout);
    expect(out.ok).to.equal(true);
    expect(out.plan.start).to.deep.equal(['web.service']);
    expect(out.written).to.include('.config/containers/systemd/web.container');
    expect(out.envFiles).to.deep.equal(['.config/box/web.env']);
    expect(out.commands).to.deep.equal(['systemctl --user daemon-reload', 'systemctl --user start web.service']);
  });
});
