import { expect } from 'chai';
import { formatPlan, HASH_KEY, installTree, isEmptyPlan, planAsJson, planDeploy, unitsOf } from '../../lib/deploy';
import { Container, DropIn } from '../../lib';
import { factsOf } from '../../lib/deploy';
import { Testing } from '../../lib/testing';
import { IMG, treeOf } from './support';

const EMPTY = treeOf().facts;
const nothingInstalled = () => installTree(EMPTY, []);

describe('deploy: which unit reads which file', () => {
  const units = new Map(unitsOf(treeOf()).map((u) => [u.unit, u]));

  it('attributes env templates, mounted YAML and Caddy\'s folder to the units that read them', () => {
    expect(units.get('web.service')!.reads).to.deep.equal(['.config/test/web.env.tmpl']);
    expect(units.get('app-db.service')!.reads).to.deep.equal(['.config/test/app-db.env.tmpl']);
    expect(units.get('litellm.service')!.reads).to.include('.config/containers/systemd/litellm.yaml');
    expect(units.get('litellm.service')!.reads).to.not.include('.config/containers/systemd/llama-swap.yaml');
    expect(units.get('llama-swap.service')!.reads).to.include('.config/containers/systemd/llama-swap.yaml');
    expect(units.get('caddy.service')!.reads).to.deep.equal(['.config/caddy/Caddyfile', '.config/caddy/routes/web.caddy']);
    expect(units.get('extra.service')!.reads).to.deep.equal([]);
  });

  it('knows strong needs, including quadlet\'s implicit ones on networks and volumes', () => {
    expect(units.get('web.service')!.requires).to.include.members(['app-db.service', 'net-network.service']);
    expect(units.get('extra.service')!.requires).to.include('extra-data-volume.service');
    expect(units.get('extra-data-volume.service')!.volumeName).to.equal('extra-data');
  });

  it('writes the hash of what a unit reads into its [Unit] section, and only there', () => {
    const a = treeOf();
    const b = treeOf({ mode: 'dev' });
    const key = (t: typeof a, f: string) => new RegExp(`^${HASH_KEY}=sha256:([0-9a-f]{64})$`, 'm').exec(t.files.get(f)!)?.[1];
    const web = '.config/containers/systemd/web.container';
    expect(key(a, web)).to.be.a('string');
    expect(key(b, web)).to.be.a('string').and.not.equal(key(a, web));
    expect(a.files.get(web)!.indexOf(HASH_KEY)).to.be.lessThan(a.files.get(web)!.indexOf('[Container]'));
    const worker = '.config/containers/systemd/worker.container';
    expect(key(b, worker)).to.equal(key(a, worker));
    expect(a.files.get('.config/containers/systemd/extra.container')).to.not.include(HASH_KEY);
  });
});

describe('deploy: the plan', () => {
  const base = treeOf();

  it('change one env value: exactly that container restarts', () => {
    const p = planDeploy(base, treeOf({ level: 'debug' }));
    expect(p.restart).to.deep.equal([{ unit: 'worker.service', because: ['.config/test/worker.env.tmpl'] }]);
    expect([p.start, p.reload, p.stop, p.remove, p.follow, p.updated]).to.deep.equal([[], [], [], [], [], []]);
    expect(p.files.map((f) => f.path)).to.deep.equal(['.config/containers/systemd/worker.container', '.config/test/worker.env.tmpl']);
    expect(p.files[1].diff).to.include('@@ -1,3 +1,3 @@\n').and.include('\n-LEVEL=info\n+LEVEL=debug\n');
  });

  it('change an env value of a unit others need: it restarts, and the plan says who follows', () => {
    const p = planDeploy(base, treeOf({ mode: 'dev' }));
    expect(p.restart.map((r) => r.unit)).to.deep.equal(['web.service']);
    expect(p.follow).to.deep.equal([]);
    const q = planDeploy(treeOf(), treeOf({ layout: 'home', mode: 'prod' }));
    expect(isEmptyPlan(q)).to.equal(true);
  });

  it('change litellm.yaml: LiteLLM restarts, llama-swap does not', () => {
    const next = treeOf({ timeout: 1200 });
    const yaml = '.config/containers/systemd/llama-swap.yaml';
    expect(next.files.get(yaml)).to.equal(base.files.get(yaml));
    const p = planDeploy(base, next);
    expect(p.restart.map((r) => r.unit)).to.deep.equal(['litellm.service']);
    expect(p.restart[0].because).to.include('.config/containers/systemd/litellm.yaml');
    expect(p.follow.map((f) => f.unit)).to.not.include('llama-swap.service');
  });

  it('change a route file: Caddy restarts (its admin API is off, so it cannot reload), nothing else', () => {
    const p = planDeploy(base, treeOf({ host: 'app.example.org' }));
    expect(p.restart).to.deep.equal([{ unit: 'caddy.service', because: ['.config/caddy/routes/web.caddy'] }]);
    expect([p.start, p.reload, p.stop, p.follow]).to.deep.equal([[], [], [], []]);
  });

  it('reloads a unit with a reload command when only a file it mounts changed', () => {
    const withReload = (t: typeof base) => installTree(t.facts, [...t.files].map(([path, content]) => ({
      path, content: path.endsWith('caddy.container') ? content.replace('[Service]', '[Service]\nExecReload=/usr/bin/podman kill --signal HUP caddy') : content,
    })));
    const p = planDeploy(withReload(base), withReload(treeOf({ host: 'app.example.org' })));
    expect(p.reload.map((r) => r.unit)).to.deep.equal(['caddy.service']);
    expect(p.restart).to.deep.equal([]);
  });

  it('remove a container: it is stopped and its files removed; its volume stays unless pruned', () => {
    const next = treeOf({ extra: false });
    const p = planDeploy(base, next);
    expect(p.stop).to.deep.equal(['extra.service', 'extra-data-volume.service']);
    expect(p.remove).to.deep.equal(['extra.service', 'extra-data-volume.service']);
    expect(p.files.filter((f) => f.change === 'remove').map((f) => f.path)).to.deep.equal([
      '.config/containers/systemd/extra-data.volume', '.config/containers/systemd/extra.container',
    ]);
    expect(p.volumes).to.deep.equal([{ unit: 'extra-data-volume.service', volume: 'extra-data', prune: false }]);
    expect(planDeploy(base, next, { pruneVolumes: true }).volumes[0].prune).to.equal(true);
    expect(p.restart).to.deep.equal([]);
  });

  it('change nothing: an empty plan', () => {
    const p = planDeploy(base, treeOf());
    expect(isEmptyPlan(p)).to.equal(true);
    expect(formatPlan(p)).to.equal('site test: up to date (no file and no unit changes)\n');
    expect(planAsJson(p)).to.include({ changes: false });
  });

  it('a first deploy starts every installed unit in dependency order', () => {
    const p = planDeploy(nothingInstalled(), base);
    const started = p.start.map((s) => s.unit);
    expect(started).to.include.members(['web.service', 'app-db.service', 'caddy.service', 'litellm.service']);
    expect(started.indexOf('app-db.service')).to.be.lessThan(started.indexOf('web.service'));
    expect(started).to.not.include('extra-data-volume.service');
    expect(p.files.every((f) => f.change === 'add')).to.equal(true);
  });

  it('prints a plan for people, diffs included', () => {
    const text = formatPlan(planDeploy(base, treeOf({ level: 'debug' })));
    expect(text).to.include('restart  worker.service (changed: .config/test/worker.env.tmpl)');
    expect(text).to.include('--- a/.config/test/worker.env.tmpl');
  });

  it('a drop-in restarts the units it applies to: its own, every unit of its type, or a dash prefix', () => {
    const tree = (memory: string, to: 'web' | 'all' | 'prefix') => {
      const { app, site } = Testing.site({ podmanVersion: '5.4.2' });
      const web = new Container(site, 'web-api', { image: IMG });
      new Container(site, 'worker', { image: IMG });
      const target = to === 'web' ? web : to === 'all' ? { allOf: 'container' as const } : { kind: 'container' as const, prefix: 'web' };
      new DropIn(site, 'limits', { to: target, name: '10-limits', container: { podmanArgs: [`--memory=${memory}`] } });
      return installTree(factsOf(site), app.synthFiles().files);
    };
    const restarted = (to: 'web' | 'all' | 'prefix') => planDeploy(tree('512m', to), tree('1g', to)).restart.map((r) => r.unit);
    expect(restarted('web')).to.deep.equal(['web-api.service']);
    expect(restarted('prefix')).to.deep.equal(['web-api.service']);
    expect(restarted('all')).to.deep.equal(['web-api.service', 'worker.service']);
  });
});
