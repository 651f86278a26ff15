/**
 * The real run of templates and drop-ins (docs/templates.md, docs/drop-ins.md): boots one machine
 * (Debian 13, systemd, rootless podman 5.4.2), installs a site with a ContainerTemplate, an
 * instance enabled at boot and drop-ins for all instances and for one, then proves on real
 * systemd: an instance started by name runs its own container; the drop-ins are visible in
 * `systemctl --user cat` (merged by the generator) and reach the containers' environment.
 * `.quadlets` bundles need podman 5.8's `podman quadlet install`: the machine has 5.4.2, so they are
 * checked by the 5.8.6 generator in the unit tests, not here.
 *
 * Usage (root): ts-node --project test/tsconfig.json test/e2e/templates.ts [--keep-work]
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ContainerTemplate, DropIn, Site } from '../../lib';
import { buildStandIns, canBootMachines, ensureRootfs, Machine, waitFor } from '../../lib/testing/machine';
import { synthSite } from './sites';

const IMAGE = 'localhost/quadlet-cdk-e2e/stay-up:1';

function main(argv: string[]): number {
  const t0 = Date.now();
  const say = (line: string) => console.log(`e2e-templates: [${Math.round((Date.now() - t0) / 1000)} s] ${line}`);
  const can = canBootMachines();
  if (!can.ok) {
    console.error(`e2e-templates: cannot run here: ${can.why}`);
    return 1;
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'quadlet-cdk-e2e-templates-'));
  let machine: Machine | undefined;
  let failures = 0;
  const check = (what: string, ok: boolean, detail: string) => {
    say(`  ${ok ? 'ok ' : 'FAILED'} ${what}${ok ? '' : `: ${detail}`}`);
    if (!ok) failures++;
  };
  try {
    const outDir = synthSite(path.join(work, 'templates'), (app) => {
      const site = new Site(app, 'tpl', { podmanVersion: '5.4.2' });
      const worker = new ContainerTemplate(site, 'worker', { image: IMAGE, allowFloatingTag: 'stand-in', networkMode: 'none', environment: { SHARD: 'x' } });
      new DropIn(site, 'all', { to: worker, name: '10-all', container: { environment: { FROM_TEMPLATE_DROPIN: 'yes' } } });
      new DropIn(site, 'only-a', { to: worker.instance('a', { enabled: true }), name: '20-a', container: { environment: { ONLY_A: 'yes' } } });
    });
    const rootfs = ensureRootfs({ log: say });
    machine = Machine.boot({ rootfs: rootfs.tarball, log: say });
    const m = machine;
    say(`stand-in image built in ${buildStandIns(m, { [IMAGE]: 'stay-up' }).toFixed(1)} s`);
    const quadletDir = path.join(outDir, '.config/containers/systemd');
    const walk = (d: string, rel = ''): string[] => fs.readdirSync(d, { withFileTypes: true })
      .flatMap((e) => (e.isDirectory() ? walk(path.join(d, e.name), `${rel}${e.name}/`) : [`${rel}${e.name}`]));
    for (const rel of walk(quadletDir)) m.writeFile(`${m.home}/.config/containers/systemd/${rel}`, fs.readFileSync(path.join(quadletDir, rel)));
    m.chownToUser(`${m.home}/.config`);
    m.user(['systemctl', '--user', 'daemon-reload'], { timeoutMs: 60000 });

    // An instance started by name, with no file of its own: systemd instantiates worker@.service.
    const start = m.user(['systemctl', '--user', 'start', 'worker@b.service'], { timeoutMs: 120000 });
    check('systemctl --user start worker@b (an instance by name) succeeds', start.status === 0, start.stderr);
    const running = (name: string) => waitFor(`${name} running`, 60000, () => (m.user(['podman', 'ps', '--format', '{{.Names}}']).stdout.split('\n').includes(name) ? true : undefined));
    check('worker@b runs its own container worker-b', safe(() => running('worker-b')), m.user(['podman', 'ps', '-a']).stdout);
    const envOf = (c: string) => m.user(['podman', 'exec', c, 'env']).stdout;
    const envB = envOf('worker-b');
    check('worker-b has the template drop-in\'s variable and not instance a\'s', /^FROM_TEMPLATE_DROPIN=yes$/m.test(envB) && !/^ONLY_A=/m.test(envB), envB);

    // The enabled instance: its own file (a copy of the template with [Install]) and its drop-in.
    const startA = m.user(['systemctl', '--user', 'start', 'worker@a.service'], { timeoutMs: 120000 });
    check('systemctl --user start worker@a succeeds', startA.status === 0, startA.stderr);
    check('worker@a runs worker-a', safe(() => running('worker-a')), m.user(['podman', 'ps', '-a']).stdout);
    const enabled = m.user(['systemctl', '--user', 'is-enabled', 'worker@a.service']).stdout.trim();
    check('worker@a is enabled (the generator linked it into default.target.wants)', ['enabled', 'generated'].includes(enabled), enabled);
    const cat = m.user(['systemctl', '--user', 'cat', 'worker@a.service']).stdout;
    check('systemctl --user cat worker@a.service shows both drop-ins merged', /--env FROM_TEMPLATE_DROPIN=yes/.test(cat) && /--env ONLY_A=yes/.test(cat), cat);
    const envA = envOf('worker-a');
    check('worker-a has both drop-ins\' variables', /^FROM_TEMPLATE_DROPIN=yes$/m.test(envA) && /^ONLY_A=yes$/m.test(envA), envA);
  } catch (e) {
    console.error(`e2e-templates: ${e instanceof Error ? e.message : e}`);
    if (machine) console.error(safeText(() => machine!.journal({ lines: 40 })));
    failures++;
  } finally {
    machine?.stop();
    if (!argv.includes('--keep-work')) fs.rmSync(work, { recursive: true, force: true });
  }
  say(failures ? `${failures} FAILED` : 'templates and drop-ins run on real systemd and podman 5.4.2');
  return failures ? 1 : 0;
}

function safe(f: () => unknown): boolean {
  try {
    return f() !== undefined;
  } catch {
    return false;
  }
}

function safeText(f: () => string): string {
  try {
    return f();
  } catch (e) {
    return String(e);
  }
}

process.exitCode = main(process.argv.slice(2));
