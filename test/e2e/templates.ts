/**
 * The real run of templates and drop-ins (docs/templates.md, docs/drop-ins.md): boots one machine
 * (Debian 13, systemd, rootless podman 5.4.2), installs a site with a ContainerTemplate, an
 * instance enabled at boot and drop-ins for all instances and for one, then proves on real
 * systemd: an instance started by name runs its own container; the drop-ins are visible in
 * `systemctl --user cat` (merged by the generator) and reach the containers' environment.
 * `.quadlets` bundles need podman 5.8's `podman quadlet install`: test/e2e/bundles.ts runs them on
 * the Debian unstable machine (podman 5.8.6), with a template, an instance started by name, a
 * templated volume and a drop-in there too.
 *
 * Usage (root): ts-node --project test/tsconfig.json test/e2e/templates.ts [--keep-work]
 */
import * as fs from 'fs';
import * as path from 'path';
import { ContainerTemplate, DropIn, Site } from '../../lib';
import { buildStandIns, ensureRootfs, waitFor } from '../../lib/testing/machine';
import { filesUnder, runScenario, succeeds } from './scenario';
import { synthSite } from './sites';

const IMAGE = 'localhost/quadlet-cdk-e2e/stay-up:1';

function main(argv: string[]): number {
  return runScenario('templates', argv, 'templates and drop-ins run on real systemd and podman 5.4.2', ({ say, check, work, boot }) => {
    const outDir = synthSite(path.join(work, 'templates'), (app) => {
      const site = new Site(app, 'tpl', { podmanVersion: '5.4.2' });
      const worker = new ContainerTemplate(site, 'worker', { image: IMAGE, allowFloatingTag: 'stand-in', networkMode: 'none', environment: { SHARD: 'x' } });
      new DropIn(site, 'all', { to: worker, name: '10-all', container: { environment: { FROM_TEMPLATE_DROPIN: 'yes' } } });
      new DropIn(site, 'only-a', { to: worker.instance('a', { enabled: true }), name: '20-a', container: { environment: { ONLY_A: 'yes' } } });
    });
    const rootfs = ensureRootfs({ log: say });
    const m = boot({ rootfs: rootfs.tarball });
    say(`stand-in image built in ${buildStandIns(m, { [IMAGE]: 'stay-up' }).toFixed(1)} s`);
    const quadletDir = path.join(outDir, '.config/containers/systemd');
    for (const rel of filesUnder(quadletDir)) m.writeFile(`${m.home}/.config/containers/systemd/${rel}`, fs.readFileSync(path.join(quadletDir, rel)));
    m.chownToUser(`${m.home}/.config`);
    m.user(['systemctl', '--user', 'daemon-reload'], { timeoutMs: 60000 });

    // An instance started by name, with no file of its own: systemd instantiates worker@.service.
    const start = m.user(['systemctl', '--user', 'start', 'worker@b.service'], { timeoutMs: 120000 });
    check('systemctl --user start worker@b (an instance by name) succeeds', start.status === 0, start.stderr);
    const running = (name: string) => waitFor(`${name} running`, 60000, () => (m.user(['podman', 'ps', '--format', '{{.Names}}']).stdout.split('\n').includes(name) ? true : undefined));
    check('worker@b runs its own container worker-b', succeeds(() => running('worker-b')), m.user(['podman', 'ps', '-a']).stdout);
    const envOf = (c: string) => m.user(['podman', 'exec', c, 'env']).stdout;
    const envB = envOf('worker-b');
    check('worker-b has the template drop-in\'s variable and not instance a\'s', /^FROM_TEMPLATE_DROPIN=yes$/m.test(envB) && !/^ONLY_A=/m.test(envB), envB);

    // The enabled instance: its own file (a copy of the template with [Install]) and its drop-in.
    const startA = m.user(['systemctl', '--user', 'start', 'worker@a.service'], { timeoutMs: 120000 });
    check('systemctl --user start worker@a succeeds', startA.status === 0, startA.stderr);
    check('worker@a runs worker-a', succeeds(() => running('worker-a')), m.user(['podman', 'ps', '-a']).stdout);
    const enabled = m.user(['systemctl', '--user', 'is-enabled', 'worker@a.service']).stdout.trim();
    check('worker@a is enabled (the generator linked it into default.target.wants)', ['enabled', 'generated'].includes(enabled), enabled);
    const cat = m.user(['systemctl', '--user', 'cat', 'worker@a.service']).stdout;
    check('systemctl --user cat worker@a.service shows both drop-ins merged', /--env FROM_TEMPLATE_DROPIN=yes/.test(cat) && /--env ONLY_A=yes/.test(cat), cat);
    const envA = envOf('worker-a');
    check('worker-a has both drop-ins\' variables', /^FROM_TEMPLATE_DROPIN=yes$/m.test(envA) && /^ONLY_A=yes$/m.test(envA), envA);
  });
}

process.exitCode = main(process.argv.slice(2));
