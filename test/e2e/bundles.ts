/**
 * The real run of `.quadlets` bundles (docs/bundles.md) on podman 5.8: boots the Debian unstable
 * machine (`ensureRootfs({ suite: 'sid' })`: systemd 26x and rootless podman 5.8.x) and installs
 * two synthesized sites with `quadletOutput: 'bundle'` as the site user, on real systemd:
 * - `lab` (a network, a volume, a cache, a web container that depends on it, an extra container):
 *   `podman quadlet install lab.quadlets` writes each section as unbundle() splits it and `podman
 *   quadlet list` shows one application; starting web starts cache first and web reaches it by
 *   name; `podman quadlet print` shows a unit as the bundle has it; a second install is refused;
 *   `install --replace` of release 2 rewrites the units (a shorter one included), restarts nothing,
 *   and keeps a unit release 2 dropped; `podman quadlet rm` refuses the running units of an
 *   application but removes its stopped ones and its record; `rm --force` of one unit removes all of it.
 * - `shards` (a template with a templated volume, an enabled instance, a drop-in copied beside):
 *   an instance started by name gets its own volume; the drop-in is merged (`systemctl --user cat`);
 *   `podman quadlet list` and `rm` fail while a template is installed (QUADLET037), and the manual
 *   removal docs/bundles.md gives works.
 *
 * Usage (root): ts-node --project test/tsconfig.json test/e2e/bundles.ts [--keep-work] [--rebuild | --rootfs TARBALL]
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, Container, ContainerTemplate, DropIn, Network, Site, Specifier, unbundle, Volume, VolumeTemplate } from '../../lib';
import { buildStandIns, ensureRootfs, waitFor } from '../../lib/testing/machine';
import { filesUnder, runScenario, succeeds } from './scenario';
import { synthSite } from './sites';

const VALKEY = 'localhost/quadlet-cdk-e2e/valkey:1';
const BUSYBOX = 'localhost/quadlet-cdk-e2e/busybox:1';
const STAY_UP = 'localhost/quadlet-cdk-e2e/stay-up:1';
const QUADLET_DIR = '.config/containers/systemd';

/**
 * The application `lab`, in two releases: release 2 changes web's environment (its unit gets
 * shorter) and drops `extra`.
 */
function lab(app: App, release: 1 | 2): void {
  const site = new Site(app, 'lab', { podmanVersion: '5.8.6', quadletOutput: 'bundle' });
  new Network(site, 'lab', { default: true });
  const data = new Volume(site, 'cache-data');
  const cache = new Container(site, 'cache', { image: VALKEY, allowFloatingTag: 'stand-in', volumes: [{ volume: data, path: '/data' }], ports: [6379] });
  new Container(site, 'web', {
    image: BUSYBOX, allowFloatingTag: 'stand-in', command: ['sleep', '1000000'], dependsOn: [cache],
    environment: release === 1 ? { RELEASE: '1', ONLY_IN_RELEASE_1: 'x'.repeat(120) } : { RELEASE: '2' },
    service: { timeoutStopSec: 2 },
  });
  if (release === 1) new Container(site, 'extra', { image: STAY_UP, allowFloatingTag: 'stand-in', networkMode: 'none', install: false });
}

/** The application `shards`: a template with a templated volume, an enabled instance and its drop-in. */
function shards(app: App): void {
  const site = new Site(app, 'shards', { podmanVersion: '5.8.6', quadletOutput: 'bundle' });
  const shard = new VolumeTemplate(site, 'shard');
  const worker = new ContainerTemplate(site, 'worker', {
    image: STAY_UP, allowFloatingTag: 'stand-in', networkMode: 'none', volumes: [{ volume: shard, path: '/data' }],
    environment: { SHARD: Specifier.instance },
  });
  new DropIn(site, 'only-a', { to: worker.instance('a', { enabled: true }), name: '20-a', container: { environment: { ONLY_A: 'yes' } } });
}

function main(argv: string[]): number {
  return runScenario('bundles', argv, '.quadlets bundles run on real systemd and podman 5.8', ({ say, check, work, boot }) => {
    const out1 = synthSite(path.join(work, 'lab-1'), (app) => lab(app, 1));
    const out2 = synthSite(path.join(work, 'lab-2'), (app) => lab(app, 2));
    const outShards = synthSite(path.join(work, 'shards'), (app) => shards(app));
    const bundle1 = fs.readFileSync(path.join(out1, 'lab.quadlets'), 'utf8');
    const bundle2 = fs.readFileSync(path.join(out2, 'lab.quadlets'), 'utf8');
    const rootfs = argv.includes('--rootfs') ? argv[argv.indexOf('--rootfs') + 1] : ensureRootfs({ suite: 'sid', rebuild: argv.includes('--rebuild'), log: say }).tarball;
    const m = boot({ rootfs, name: `qcdk-bundles-${process.pid}` });
    const version = m.user(['podman', 'version', '--format', '{{.Client.Version}}']).stdout.trim();
    check(`the machine runs podman >= 5.8 (${version})`, /^(5\.(8|9|\d\d)|[6-9])\./.test(version), version);
    say(`stand-in images built in ${buildStandIns(m, { [VALKEY]: 'valkey', [BUSYBOX]: 'busybox', [STAY_UP]: 'stay-up' }).toFixed(1)} s`);
    const unitDir = `${m.home}/${QUADLET_DIR}`;
    const installedFiles = () => (fs.existsSync(m.hostPath(unitDir)) ? fs.readdirSync(m.hostPath(unitDir)).filter((f) => !f.endsWith('.d')).sort() : []);
    const listed = () => {
      const r = m.user(['podman', 'quadlet', 'list', '--format', '{{.Name}}\t{{.App}}\t{{.Status}}']);
      // A --format template still prints the header row (NAME, APPLICATION, STATUS).
      return { ...r, rows: r.stdout.trim().split('\n').filter(Boolean).map((l) => l.split('\t')).filter(([n]) => n !== 'NAME') };
    };
    const running = (name: string) => succeeds(() => waitFor(`${name} running`, 60000, () => (m.user(['podman', 'ps', '--format', '{{.Names}}']).stdout.split('\n').includes(name) ? true : undefined)));
    const vols = () => m.user(['podman', 'volume', 'ls', '--format', '{{.Name}}']).stdout.split('\n');

    say('lab: network, volume, cache, web (depends on cache), extra');
    m.writeFile(`${m.home}/lab.quadlets`, bundle1);
    const install = m.user(['podman', 'quadlet', 'install', 'lab.quadlets'], { timeoutMs: 120000 });
    check('podman quadlet install lab.quadlets succeeds', install.status === 0, install.stderr + install.stdout);
    const sections1 = unbundle(bundle1);
    const units = Object.keys(sections1).sort();
    const landed = units.filter((u) => fs.existsSync(m.hostPath(`${unitDir}/${u}`)) && fs.readFileSync(m.hostPath(`${unitDir}/${u}`), 'utf8') === sections1[u]);
    check(`each of the ${units.length} sections landed in ~/${QUADLET_DIR} byte for byte as unbundle() splits it`, landed.length === units.length,
      `landed: ${landed.join(' ')}; installed: ${installedFiles().join(' ')}`);
    const list1 = listed();
    say(`  podman quadlet list:\n${list1.rows.map((l) => `      ${l.join('  ')}`).join('\n')}`);
    check('podman quadlet list shows the units as one application, .lab.app',
      list1.status === 0 && JSON.stringify(list1.rows.map(([n]) => n).sort()) === JSON.stringify(units) && list1.rows.every(([, a]) => a === '.lab.app'), list1.stderr + JSON.stringify(list1.rows));

    const start = m.user(['systemctl', '--user', 'start', 'web.service'], { timeoutMs: 120000 });
    check('systemctl --user start web.service succeeds', start.status === 0, start.stderr);
    check('web and cache run (starting web started cache: Requires=)', running('web') && running('cache'), m.user(['podman', 'ps', '-a']).stdout);
    const prop = (unit: string, p: string) => Number(m.user(['systemctl', '--user', 'show', '-P', p, unit]).stdout.trim());
    const cacheUp = prop('cache.service', 'ActiveEnterTimestampMonotonic');
    const webBegan = prop('web.service', 'InactiveExitTimestampMonotonic');
    check('cache was active before web began starting (After=)', cacheUp > 0 && cacheUp <= webBegan, `cache active at ${cacheUp}, web began at ${webBegan}`);
    const reach = succeeds(() => waitFor('web reaches cache:6379', 30000, () => (m.user(['podman', 'exec', 'web', 'nc', '-z', 'cache', '6379']).status === 0 ? true : undefined), 500));
    check('web reaches cache:6379 by name on the bundle\'s network', reach, m.user(['podman', 'exec', 'web', 'nc', '-z', 'cache', '6379']).stderr);
    check('cache mounts the bundle\'s volume cache-data', vols().includes('cache-data'), vols().join(' '));
    const print = m.user(['podman', 'quadlet', 'print', 'web.container']);
    check('podman quadlet print web.container shows the unit as the bundle has it', print.status === 0 && print.stdout === sections1['web.container'], print.stderr + print.stdout);

    const again = m.user(['podman', 'quadlet', 'install', 'lab.quadlets']);
    check('installing the bundle again without --replace is refused', again.status !== 0 && /already exists/.test(again.stderr), again.stderr);
    m.writeFile(`${m.home}/lab.quadlets`, bundle2);
    const replace = m.user(['podman', 'quadlet', 'install', '--replace', 'lab.quadlets'], { timeoutMs: 120000 });
    check('podman quadlet install --replace lab.quadlets (release 2) succeeds', replace.status === 0, replace.stderr + replace.stdout);
    const print2 = m.user(['podman', 'quadlet', 'print', 'web.container']).stdout;
    check('podman quadlet print web.container is release 2\'s section, byte for byte (shorter than release 1\'s)', print2 === unbundle(bundle2)['web.container'], print2);
    const envBefore = m.user(['podman', 'exec', 'web', 'env']).stdout;
    check('web keeps running release 1 until restarted (install reloads systemd, restarts nothing)', /^RELEASE=1$/m.test(envBefore), envBefore);
    const restart = m.user(['systemctl', '--user', 'restart', 'web.service'], { timeoutMs: 120000 });
    const envWeb = restart.status === 0 && running('web') ? m.user(['podman', 'exec', 'web', 'env']).stdout : restart.stderr;
    check('after systemctl --user restart web, web runs release 2', /^RELEASE=2$/m.test(envWeb) && !/ONLY_IN_RELEASE_1/.test(envWeb), envWeb);
    const list2 = listed();
    check('extra.container, dropped in release 2, is still installed and still part of .lab.app',
      list2.rows.some(([n, a]) => n === 'extra.container' && a === '.lab.app'), list2.stderr + JSON.stringify(list2.rows));

    // Removing: without --force, rm refuses the running units but removes the stopped ones and the
    // application's record (.lab.app) (podman 5.8.6): docs/bundles.md says to use --force.
    const rmRunning = m.user(['podman', 'quadlet', 'rm', 'web.container']);
    check('podman quadlet rm web.container is refused while web runs', rmRunning.status !== 0 && /running/.test(rmRunning.stderr), rmRunning.stderr + rmRunning.stdout);
    const partial = listed();
    say(`  left by the refused rm: ${installedFiles().join(' ')}`);
    check('yet it removed the stopped unit extra.container and .lab.app: what was left belongs to no application',
      !installedFiles().includes('extra.container') && !installedFiles().includes('.lab.app') && partial.rows.every(([, a]) => a === ''), JSON.stringify(partial.rows));
    const reinstall = m.user(['podman', 'quadlet', 'install', '--replace', 'lab.quadlets'], { timeoutMs: 120000 });
    const list3 = listed();
    check('install --replace makes it one application again (release 2\'s units)', reinstall.status === 0 && list3.rows.length === units.length - 1 && list3.rows.every(([, a]) => a === '.lab.app'), reinstall.stderr + JSON.stringify(list3.rows));
    const rm = m.user(['podman', 'quadlet', 'rm', '--force', 'web.container'], { timeoutMs: 180000 });
    say(`  podman quadlet rm --force web.container: ${rm.stdout.trim().split('\n').join(' ')}`);
    check('podman quadlet rm --force web.container succeeds', rm.status === 0, rm.stderr);
    const left = listed();
    check('podman quadlet list is empty: the whole application went', left.status === 0 && left.rows.length === 0, left.stderr + JSON.stringify(left.rows));
    check('no unit file and no .lab.app are left', installedFiles().length === 0, installedFiles().join(' '));
    const stillRunning = m.user(['podman', 'ps', '--format', '{{.Names}}']).stdout.trim();
    check('web and cache were stopped', !/^(web|cache)$/m.test(stillRunning), stillRunning);

    say('shards: a template with a templated volume, an enabled instance, a drop-in');
    // Drop-ins are not part of a bundle: they are copied as files, as before.
    const dropIns = path.join(outShards, QUADLET_DIR);
    for (const rel of filesUnder(dropIns)) m.writeFile(`${unitDir}/${rel}`, fs.readFileSync(path.join(dropIns, rel)));
    m.writeFile(`${m.home}/shards.quadlets`, fs.readFileSync(path.join(outShards, 'shards.quadlets')));
    m.chownToUser(`${m.home}/.config`);
    const installShards = m.user(['podman', 'quadlet', 'install', 'shards.quadlets'], { timeoutMs: 120000 });
    check('podman quadlet install shards.quadlets succeeds', installShards.status === 0, installShards.stderr + installShards.stdout);
    const startB = m.user(['systemctl', '--user', 'start', 'worker@b.service'], { timeoutMs: 120000 });
    check('systemctl --user start worker@b (an instance by name) succeeds', startB.status === 0, startB.stderr);
    check('worker@b runs worker-b with its own volume shard-b (Volume=shard@.volume)', running('worker-b') && vols().includes('shard-b'), vols().join(' '));
    const startA = m.user(['systemctl', '--user', 'start', 'worker@a.service'], { timeoutMs: 120000 });
    check('systemctl --user start worker@a succeeds', startA.status === 0, startA.stderr);
    const enabled = m.user(['systemctl', '--user', 'is-enabled', 'worker@a.service']).stdout.trim();
    check('worker@a is enabled (its section has [Install])', ['enabled', 'generated'].includes(enabled), enabled);
    const cat = m.user(['systemctl', '--user', 'cat', 'worker@a.service']).stdout;
    check('systemctl --user cat worker@a.service shows the drop-in copied beside the bundle merged', /--env ONLY_A=yes/.test(cat), cat);
    const envA = m.user(['podman', 'exec', 'worker-a', 'env']).stdout;
    check('worker-a has SHARD=a and the drop-in\'s variable', /^SHARD=a$/m.test(envA) && /^ONLY_A=yes$/m.test(envA), envA);
    // podman 5.8 asks systemd for each installed unit's service, and systemd refuses a template's
    // (worker@.service): list and rm fail while a template is installed (QUADLET037).
    const listT = listed();
    check('podman quadlet list fails while a template unit is installed (the QUADLET037 warning)', listT.status !== 0 && /missing the instance name/.test(listT.stderr), listT.stderr + listT.stdout);
    const rmT = m.user(['podman', 'quadlet', 'rm', '--force', 'worker@a.container']);
    check('podman quadlet rm --force worker@a.container fails the same way', rmT.status !== 0 && /missing the instance name/.test(rmT.stderr), rmT.stderr + rmT.stdout);
    // The removal docs/bundles.md gives instead: stop the instances, remove what .shards.app lists, reload.
    const manual = m.userSh([
      "systemctl --user stop 'worker@*.service' 'shard-volume@*.service'",
      `cd ~/${QUADLET_DIR} && xargs rm -f < .shards.app && rm .shards.app`,
      'systemctl --user daemon-reload',
    ].join(' && '), { timeoutMs: 120000 });
    check('the documented manual removal succeeds', manual.status === 0, manual.stderr);
    const afterManual = listed();
    check('after it podman quadlet list works again and is empty', afterManual.status === 0 && afterManual.rows.length === 0, afterManual.stderr + JSON.stringify(afterManual.rows));
    check('no unit file is left (the drop-in folder stays, as it was copied by hand)', installedFiles().length === 0, installedFiles().join(' '));
    const workers = m.user(['podman', 'ps', '--format', '{{.Names}}']).stdout.trim();
    check('the workers were stopped', !/^worker-/m.test(workers), workers);
  });
}

process.exitCode = main(process.argv.slice(2));
