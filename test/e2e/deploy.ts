/**
 * `npx projen e2e:deploy`: `apply` and the chezmoi deploy script on real systemd and rootless
 * Podman. One machine, booted once; apply runs on this side with the machine user's home as its
 * root and its systemctl/podman/journalctl run inside, in the user's manager (the Host seam).
 *
 * 1. apply a site (four containers, a named volume, an env file with a secret the operator filled in);
 * 2. change one env value and apply: only that service's ActiveEnterTimestamp changes, and the
 *    container sees the new value, the secret kept;
 * 3. apply a change whose container exits at once: apply fails (DEPLOY002), rolls back, and the
 *    previous version runs again (same files, the value of step 2);
 * 4. remove a container: it is gone from `systemctl --user list-units`, its volume stays;
 * 5. the chezmoi script of the same site: nothing to do after apply's work except its first
 *    record, then a change restarts only that unit.
 *
 * Usage: deploy.ts [--keep-log FILE]   (root; see docs/real-run.md for the machine's needs)
 */
import * as fs from 'fs';
import { App, Container, EnvFile, Network, Site, Target, Volume } from '../../lib';
import { apply, ApplyResult, factsOf, formatPlan, Host, installTree, InstallTree } from '../../lib/deploy';
import { buildStandIns, canBootMachines, ensureRootfs, Machine } from '../../lib/testing/machine';

const BUSYBOX = 'localhost/quadlet-cdk-e2e/busybox:1';
const SECRET = 'e2e-token-not-a-real-one';

/** What a version of the site varies. */
interface Version {
  readonly level?: string;
  readonly workerQuits?: boolean;
  readonly extra?: boolean;
  readonly greeting?: string;
  readonly layout?: 'home' | 'chezmoi';
}

/** A long-running busybox that prints what it was given and sleeps. */
const sleeper = (say: string) => ['sh', '-c', `echo "${say}"; exec sleep 86400`];

function site(v: Version): { app: App; site: Site } {
  const app = new App({ outdir: '/nonexistent' });
  const s = new Site(app, 'deploy', { layout: v.layout ?? 'home', outputDir: '' });
  new Target(s, 'target');
  new Network(s, 'deploy', { default: true });
  const webEnv = new EnvFile(s, 'web-env', { name: 'web', values: { MODE: 'prod' }, secrets: { TOKEN: { description: 'any string' } } });
  new Container(s, 'web', { image: BUSYBOX, envFiles: [webEnv], command: sleeper('web MODE=$MODE'), environment: { GREETING: v.greeting ?? 'hello' } });
  const workerEnv = new EnvFile(s, 'worker-env', { name: 'worker', values: { LEVEL: v.level ?? 'info' } });
  new Container(s, 'worker', {
    image: BUSYBOX, envFiles: [workerEnv],
    command: v.workerQuits ? ['sh', '-c', 'echo "worker: cannot start: bad LEVEL"; exit 3'] : sleeper('worker LEVEL=$LEVEL'),
  });
  new Container(s, 'db', { image: BUSYBOX, containerName: 'app-db', command: sleeper('db up') });
  if (v.extra ?? true) {
    const data = new Volume(s, 'extra-data');
    new Container(s, 'extra', { image: BUSYBOX, volumes: [{ volume: data, path: '/data' }], command: sleeper('extra up') });
  }
  return { app, site: s };
}

function treeOf(v: Version): InstallTree {
  const { app, site: s } = site(v);
  return installTree(factsOf(s), app.synthFiles().files);
}

function main(argv: string[]): number {
  const t0 = Date.now();
  const lines: string[] = [];
  const say = (line: string) => {
    const text = `e2e-deploy: [${Math.round((Date.now() - t0) / 1000)} s] ${line}`;
    lines.push(text);
    console.log(text);
  };
  const can = canBootMachines();
  if (!can.ok) {
    console.error(`e2e-deploy: cannot run here: ${can.why}`);
    return 1;
  }
  let m: Machine | undefined;
  let failures = 0;
  const check = (what: string, ok: boolean, detail = '') => {
    say(`${ok ? 'ok ' : 'FAILED'} ${what}${detail ? `: ${detail}` : ''}`);
    if (!ok) failures++;
  };
  try {
    const rootfs = ensureRootfs({ log: say });
    m = Machine.boot({ rootfs: rootfs.tarball, name: `qcdk-deploy-${process.pid}`, log: say });
    const machine = m;
    buildStandIns(machine, { [BUSYBOX]: 'busybox' });
    const home = machine.home;
    const root = machine.hostPath(home);
    // apply writes from this side as root: hand the files to the user before systemd reads them,
    // as they would be the user's own when apply runs on the host as that user.
    const host = new Host(true, (cmd, timeoutMs) => {
      if (cmd[0] === 'systemctl' && cmd.includes('daemon-reload')) machine.chownToUser(`${home}/.config`);
      return machine.user([...cmd], { timeoutMs });
    });
    const run = (what: string, v: Version): ApplyResult => {
      say(`apply: ${what}`);
      const r = apply({ root, next: treeOf(v), host, uid: machine.uid, timeoutMs: 60_000, log: (l) => say(`  ${l}`) });
      for (const l of formatPlan(r.plan, { diffs: true }).trimEnd().split('\n')) say(`  | ${l}`);
      if (r.failure) for (const l of r.failure.message.split('\n')) say(`  ! ${l}`);
      return r;
    };
    const units = ['web.service', 'worker.service', 'db.service', 'extra.service', 'deploy-network.service', 'extra-data-volume.service'];
    const stamps = (names: string[]) => Object.fromEntries(names.map((u) => [u, machine.user(['systemctl', '--user', 'show', '-p', 'ActiveEnterTimestamp', '--value', u]).stdout.trim()]));
    const active = (u: string) => machine.user(['systemctl', '--user', 'is-active', u]).stdout.trim();
    const envIn = (container: string, name: string) => machine.user(['podman', 'inspect', '--format', '{{range .Config.Env}}{{println .}}{{end}}', container]).stdout
      .split('\n').find((l) => l.startsWith(`${name}=`))?.slice(name.length + 1);

    // The operator makes web.env from its template and fills in the secret, once.
    machine.writeFile(`${home}/.config/deploy/web.env`, `MODE=prod\nTOKEN=${SECRET}\n`, { mode: 0o600 });

    // 1. First apply.
    const first = run('first install', {});
    check('first apply succeeds', !first.failure);
    check('every unit is active', units.every((u) => active(u) === 'active'), units.map((u) => `${u}=${active(u)}`).join(' '));
    const before = stamps(units);

    // 2. One env value.
    const second = run('worker.env LEVEL=debug', { level: 'debug' });
    check('the env change applies', !second.failure);
    check('the plan restarts worker.service only', JSON.stringify(second.plan.restart.map((r) => r.unit)) === '["worker.service"]');
    const after = stamps(units);
    const moved = units.filter((u) => before[u] !== after[u]);
    check('only worker.service started again (ActiveEnterTimestamp of every unit)', JSON.stringify(moved) === '["worker.service"]', `changed: ${moved.join(', ') || 'none'}`);
    for (const u of units) say(`  ${u.padEnd(26)} ${before[u]}  ->  ${after[u]}`);
    check('the worker sees LEVEL=debug', envIn('worker', 'LEVEL') === 'debug');
    check('web still has the secret the operator filled in', envIn('web', 'TOKEN') === SECRET);

    // 3. A change whose container exits at once.
    const installed = fs.readFileSync(`${root}/.config/containers/systemd/worker.container`, 'utf8');
    const third = run('worker exits at once', { level: 'debug', workerQuits: true });
    check('apply fails with DEPLOY002 and rolls back', third.failure?.code === 'DEPLOY002' && third.rolledBack);
    check('the failure shows the worker\'s last lines', /cannot start: bad LEVEL/.test(third.failure?.message ?? ''));
    check('the previous unit file is back', fs.readFileSync(`${root}/.config/containers/systemd/worker.container`, 'utf8') === installed);
    check('the previous worker runs again', active('worker.service') === 'active' && envIn('worker', 'LEVEL') === 'debug');

    // 4. A removed container.
    const fourth = run('remove extra', { level: 'debug', extra: false });
    check('the removal applies', !fourth.failure);
    const listed = machine.user(['systemctl', '--user', 'list-units', '--all', '--no-legend', 'extra*']).stdout.trim();
    check('extra.service is gone from systemctl --user list-units', !/extra\.service/.test(listed), listed || '(none)');
    check('its volume stays (no --prune-volumes)', machine.user(['podman', 'volume', 'exists', 'extra-data']).status === 0);

    // 5. The chezmoi script of the same site (chezmoi writes the same targets; the script records, then acts).
    const script = (v: Version) => {
      const { app } = site({ ...v, layout: 'chezmoi' });
      const files = app.synthFiles().files;
      const text = files.find((f) => f.path.endsWith('run_onchange_after_deploy-deploy.sh'))!.content;
      for (const [p, content] of installTree({ name: 'deploy', rootless: true, layout: 'chezmoi', outputDir: '' }, files).files) machine.writeFile(`${home}/${p}`, content);
      machine.writeFile(`${home}/script.sh`, text);
      const r = machine.user(['/bin/sh', `${home}/script.sh`], { timeoutMs: 120_000 });
      for (const l of `${r.stdout}${r.stderr}`.trim().split('\n')) say(`  chezmoi script: ${l}`);
      return r.status;
    };
    const live = units.filter((u) => !u.startsWith('extra'));
    say('chezmoi script: first run records the state');
    check('the first run succeeds', script({ level: 'debug', extra: false }) === 0);
    const c0 = stamps(live);
    say('chezmoi script: GREETING=hi on web');
    check('the second run succeeds', script({ level: 'debug', extra: false, greeting: 'hi' }) === 0);
    const c1 = stamps(live);
    const cmoved = live.filter((u) => c0[u] !== c1[u]);
    check('the chezmoi script restarted web.service only', JSON.stringify(cmoved) === '["web.service"]', `changed: ${cmoved.join(', ') || 'none'}`);
    check('web sees GREETING=hi', envIn('web', 'GREETING') === 'hi');
    say('chezmoi script: nothing changed');
    check('the third run succeeds', script({ level: 'debug', extra: false, greeting: 'hi' }) === 0);
    const c2 = stamps(live);
    check('the chezmoi script restarted nothing', live.every((u) => c1[u] === c2[u]));
  } catch (e) {
    say(`FAILED: ${e instanceof Error ? e.stack ?? e.message : e}`);
    failures++;
  } finally {
    m?.stop();
  }
  say(`${failures ? `${failures} checks FAILED` : 'all checks passed'} in ${Math.round((Date.now() - t0) / 1000)} s`);
  const i = argv.indexOf('--keep-log');
  if (i >= 0) fs.writeFileSync(argv[i + 1], lines.join('\n') + '\n');
  return failures ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
