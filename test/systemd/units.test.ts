import { expect } from 'chai';
import { Container, EnvFile, home, Network, Secret } from '../../lib';
import { ContainerJob, HostCommand, parseCalendar, Service, Target, Timer } from '../../lib/systemd';
import { expectDiagnostic, findValidators, quadletDryRun, requireValidators, systemdCalendar, systemdVerify, Testing, ValidatorPaths } from '../../lib/testing';
import { sodimo } from '../caddy/fixture';

const found = findValidators();

function need(ctx: Mocha.Context, tool: keyof ValidatorPaths): void {
  if (found[tool]) return;
  if (requireValidators()) throw new Error(`${tool} is missing: run scripts/ensure-validators.sh`);
  ctx.skip();
}

const QUADLET_DIR = '.config/containers/systemd';
const SYSTEMD_DIR = '.config/systemd/user';

/**
 * Expressions with the normalized form `systemd-analyze calendar` (systemd 252, TZ=UTC) prints,
 * or undefined where it refuses them. The conformance test re-checks every row against the tool.
 */
const CALENDAR: ReadonlyArray<[string, string | undefined]> = [
  ['daily', '*-*-* 00:00:00'], ['DAILY', '*-*-* 00:00:00'], ['minutely', '*-*-* *:*:00'], ['hourly', '*-*-* *:00:00'],
  ['weekly', 'Mon *-*-* 00:00:00'], ['monthly', '*-*-01 00:00:00'], ['yearly', '*-01-01 00:00:00'], ['annually', '*-01-01 00:00:00'],
  ['quarterly', '*-01,04,07,10-01 00:00:00'], ['semiannually', '*-01,07-01 00:00:00'], ['bi-annually', '*-01,07-01 00:00:00'],
  ['daily Europe/Paris', '*-*-* 00:00:00 Europe/Paris'], ['weekly UTC', 'Mon *-*-* 00:00:00 UTC'],
  ['*-*-* 03:00:00 Europe/Paris', '*-*-* 03:00:00 Europe/Paris'], ['*-*-* 03:00 Europe/Paris', '*-*-* 03:00:00 Europe/Paris'],
  ['*-*-* 03:00:00 europe/paris', undefined], ['*-*-* 03:00:00 Europe/Pariss', undefined], ['*-*-* 03:00:00 utc', '*-*-* 03:00:00 UTC'],
  ['*-*-* 03:00:00 Etc/UTC', '*-*-* 03:00:00 Etc/UTC'], ['03:00', '*-*-* 03:00:00'], ['3:0', '*-*-* 03:00:00'],
  ['*:0/15', '*-*-* *:00/15:00'], ['*:*', '*-*-* *:*:00'], ['*:*:*', '*-*-* *:*:*'], ['*:*:0/10', '*-*-* *:*:00/10'],
  ['Mon..Fri 9:00', 'Mon..Fri *-*-* 09:00:00'], ['Mon-Fri 9:00', 'Mon..Fri *-*-* 09:00:00'], ['Mon,Wed,Fri 9:00', 'Mon,Wed,Fri *-*-* 09:00:00'],
  ['Mon,Tue 9:00', 'Mon,Tue *-*-* 09:00:00'], ['Mon,Tue,Wed 9:00', 'Mon..Wed *-*-* 09:00:00'], ['Mon..Sun 9:00', '*-*-* 09:00:00'],
  ['Sat,Sun *-*-* 10:00', 'Sat,Sun *-*-* 10:00:00'], ['monday 10:00', 'Mon *-*-* 10:00:00'], ['Mond 10:00', undefined],
  ['Fri..Mon 10:00', undefined], ['Mon.. 10:00', undefined], ['Mon, 10:00', 'Mon *-*-* 10:00:00'], ['Mon', 'Mon *-*-* 00:00:00'],
  ['Mon..Wed,Fri..Sun', 'Mon..Wed,Fri..Sun *-*-* 00:00:00'], ['12-24 8:0', '*-12-24 08:00:00'], ['2024-12-24', '2024-12-24 00:00:00'],
  ['24-12-24 10:00', '2024-12-24 10:00:00'], ['99-01-01', '1999-01-01 00:00:00'], ['1969-01-01', undefined], ['2200-01-01', undefined],
  ['*-02~03', '*-02~03 00:00:00'], ['*-*~1', '*-*~01 00:00:00'], ['*-*~29', undefined], ['*-*-31', '*-*-31 00:00:00'], ['*-*-32', undefined],
  ['*-13-01', undefined], ['25:00', undefined], ['23:60', undefined], ['23:59:60', undefined], ['23:59:59.5', '*-*-* 23:59:59.500000'],
  ['23:59:59.1234567', '*-*-* 23:59:59.123457'], ['0/6:00', '*-*-* 00/6:00:00'], ['0..23/6:00', '*-*-* 00..18/6:00:00'],
  ['18,12,6,0,6:00', '*-*-* 00,06,12,18:00:00'], ['0/0:00', undefined], ['0/24:00', undefined], ['Mon *-*-1..7 10:00', 'Mon *-*-01..07 10:00:00'],
  ['*-*-1..7 Mon 10:00', undefined], ['10:00 Mon', undefined], ['@1700000000', '2023-11-14 22:13:20 UTC'], ['@', undefined],
  ['bogus', undefined], [' daily', undefined], ['daily ', undefined], ['*-*-*  03:00', '*-*-* 03:00:00'], ['Mon  03:00', 'Mon *-*-* 03:00:00'],
  ['*-*-* 03:00:00 Europe/Paris extra', undefined], ['2023..2025-01-01', '2023..2025-01-01 00:00:00'], ['2023..2025/2-01-01', '2023..2025/2-01-01 00:00:00'],
  ['*-*-01/2', '*-*-01/2 00:00:00'], ['*:00:00.25/0.5', '*-*-* *:00:00.250000/0.500000'], ['1-2-3-4', undefined], ['', undefined],
];

describe('OnCalendar grammar', () => {
  it('normalizes and rejects like systemd (table)', () => {
    for (const [expr, normalized] of CALENDAR) {
      const r = parseCalendar(expr);
      expect(r.ok ? r.normalized : undefined, expr).to.equal(normalized);
    }
  });

  it('agrees with systemd-analyze calendar on every row', function () {
    need(this, 'systemdAnalyze');
    for (const [expr] of CALENDAR) {
      const tool = systemdCalendar(expr);
      const mine = parseCalendar(expr);
      expect(mine.ok ? mine.normalized : undefined, expr).to.equal(tool.ok ? tool.normalized : undefined);
    }
  });

  it('reports the time zone it found', () => {
    expect(parseCalendar('daily Europe/Paris')).to.deep.include({ timeZone: 'Europe/Paris' });
    expect(parseCalendar('@0')).to.deep.include({ timeZone: 'UTC' });
    expect(parseCalendar('daily')).to.deep.include({ timeZone: undefined });
  });
});

describe('Timer, Service, Target', () => {
  it('render as the golden files say (timers, oneshot and long-running services, the target)', () => {
    const files = Testing.area(Testing.synth(sodimo().app), SYSTEMD_DIR);
    expect(Object.keys(files).sort()).to.deep.equal([
      'nas-sync.service', 'nas-sync.timer', 'sodimo-email-drain.service', 'sodimo.target', 'sodiwin-etl.service', 'sodiwin-etl.timer',
    ]);
    expect(Testing.golden(files, 'test/systemd/__golden__/sodimo')).to.deep.equal([]);
  });

  it('every unit joins the target, whichever is created first', () => {
    const first = Testing.synth(sodimo().app);
    const last = Testing.synth(sodimo({ targetLast: true }).app);
    expect(last).to.deep.equal(first);
    for (const [p, content] of Object.entries(first)) {
      if (p.endsWith('.container') || p.endsWith('.timer') || p.endsWith('sodimo-email-drain.service')) {
        expect(content, p).to.match(/^WantedBy=sodimo\.target$/m);
        expect(content, p).to.match(/^PartOf=sodimo\.target$/m);
      }
    }
    expect(first[`${SYSTEMD_DIR}/sodimo.target`]).to.match(/^Wants=nas-sync\.timer sodimo-email-drain\.service sodiwin-etl\.timer$/m);
    expect(first[`${SYSTEMD_DIR}/sodimo.target`]).to.match(/^WantedBy=default\.target$/m);
  });

  it('without a Target, units join default.target', () => {
    const { app, site } = Testing.site();
    new Service(site, 'drain', { exec: ['/usr/local/bin/drain'] });
    const unit = Testing.synth(app)[`${SYSTEMD_DIR}/drain.service`];
    expect(unit).to.match(/^WantedBy=default\.target$/m);
    expect(unit).not.to.contain('PartOf=');
  });

  it('a container job runs podman run --rm with every argument encoded for ExecStart', () => {
    const { app, site } = Testing.site();
    new Timer(site, 'job', {
      onCalendar: 'hourly UTC',
      job: new ContainerJob({ image: 'docker.io/library/alpine:3.20', environment: { GREETING: 'a b $HOME 100%' }, command: ['sh', '-c', 'echo "$GREETING"'] }),
    });
    const unit = Testing.synth(app)[`${SYSTEMD_DIR}/job.service`];
    expect(unit).to.contain('ExecStart=/usr/bin/podman run --rm --replace --name=job "--env=GREETING=a b $$HOME 100%%" docker.io/library/alpine:3.20 sh -c "echo \\"$$GREETING\\""\n');
  });

  it('a container job reads podman secrets as variables or files, after the site\'s secrets unit', () => {
    const { app, site } = Testing.site();
    const token = new Secret(site, 'api-token');
    const key = new Secret(site, 'tls-key');
    new Timer(site, 'job', {
      onCalendar: 'hourly UTC',
      job: new ContainerJob({ image: 'docker.io/library/alpine:3.20', secrets: [{ secret: token, env: 'TOKEN' }, { secret: key, target: '/run/key' }, { secret: key }] }),
    });
    const files = Testing.synth(app);
    const unit = files[`${SYSTEMD_DIR}/job.service`];
    expect(unit).to.contain(' --secret=api-token,type=env,target=TOKEN --secret=tls-key,type=mount,target=/run/key --secret=tls-key,type=mount docker.io/library/alpine:3.20\n');
    expect(unit).to.match(/^Requires=test-secrets\.service$/m);
    expect(unit).to.match(/^After=test-secrets\.service$/m);
    expect(files[`${SYSTEMD_DIR}/test-secrets.service`]).to.contain("podman secret exists 'api-token'");
  });

  it('rootful sites write to /etc/systemd/system', () => {
    const { app, site } = Testing.site({ rootless: false });
    new Target(site, 'Target');
    new Service(site, 'drain', { exec: ['/usr/local/bin/drain'] });
    expect(Object.keys(Testing.synth(app)).sort()).to.deep.equal(['etc/systemd/system/drain.service', 'etc/systemd/system/test.target']);
  });

  describe('conformance (systemd-analyze verify, calendar; quadlet dry run)', function () {
    before(function () {
      need(this, 'systemdAnalyze');
      need(this, 'quadlet');
    });

    it('systemd-analyze verify passes on every timer, service and the target, beside the generated quadlet services', () => {
      const files = Testing.synth(sodimo().app);
      const res = systemdVerify(Testing.area(files, QUADLET_DIR), Testing.area(files, SYSTEMD_DIR));
      expect(res.ok, res.output).to.equal(true);
      expect(Object.keys(res.perUnit)).to.include.members(['sodiwin-etl.timer', 'sodiwin-etl.service', 'sodimo-email-drain.service', 'nas-sync.timer', 'sodimo.target']);
    });

    it('systemd-analyze verify passes on a rootful site too', () => {
      const { app, site } = Testing.site({ rootless: false });
      new Target(site, 'Target');
      new Timer(site, 'job', { onCalendar: 'daily UTC', job: new HostCommand({ argv: ['/usr/local/bin/job'] }) });
      const files = Testing.synth(app);
      const res = systemdVerify({}, Testing.area(files, 'etc/systemd/system'), { rootless: false });
      expect(res.ok, res.output).to.equal(true);
    });

    it('systemd-analyze calendar agrees with the library on every OnCalendar of the site', () => {
      const { etl, backup } = sodimo();
      for (const expr of [...etl.calendars, ...backup.calendars]) {
        const lib = parseCalendar(expr);
        const tool = systemdCalendar(expr);
        expect(tool.ok, tool.output).to.equal(true);
        expect(lib.ok && lib.normalized, expr).to.equal(tool.normalized);
      }
    });

    it('the quadlet dry run passes, and ignores the plain units', () => {
      const files = Testing.synth(sodimo().app);
      const res = quadletDryRun({ ...Testing.area(files, QUADLET_DIR), ...Testing.area(files, SYSTEMD_DIR) });
      expect(res.ok, res.stderr).to.equal(true);
      expect(Object.keys(res.services)).not.to.include('sodimo-email-drain.service');
    });

    it('verify trips on a plain unit written with a bad key (the tree the check exists for)', () => {
      const files = Testing.area(Testing.synth(sodimo().app), SYSTEMD_DIR);
      files['sodiwin-etl.timer'] = files['sodiwin-etl.timer'].replace('Persistent=', 'Persistant=');
      expect(systemdVerify({}, files).ok).to.equal(false);
    });
  });

  describe('checks', () => {
    it('TIMER001 / TIMER002 / TIMER003: bad, zoneless and missing schedules', () => {
      const { app, site } = Testing.site();
      const job = () => new HostCommand({ argv: ['/usr/local/bin/x'] });
      new Timer(site, 'bad', { onCalendar: '*-*-* 25:00 Europe/Paris', job: job() });
      new Timer(site, 'local', { onCalendar: '03:00', job: job() });
      new Timer(site, 'none', { onCalendar: [], job: job() });
      const d = Testing.diagnostics(app);
      expect(d.map((x) => x.code)).to.deep.equal(['TIMER001', 'TIMER003', 'TIMER002']);
      expect(d.map((x) => x.severity)).to.deep.equal(['error', 'error', 'warning']);
      expect(d.find((x) => x.code === 'TIMER002')?.hint).to.contain('*-*-* 03:00:00 Europe/Paris');
    });

    it('UNIT001 / UNIT002 / UNIT003 / UNIT006: names, unwritable values, relative commands, no command', () => {
      const { app, site } = Testing.site();
      new Service(site, 'bad@name', { exec: ['/bin/true'] });
      new Service(site, 'semicolon', { exec: ['/bin/echo', ';'] });
      new Service(site, 'relative', { exec: ['drain'] });
      new Service(site, 'homed', { exec: [home('.local/bin/drain')] });
      new Service(site, 'none', {});
      new Service(site, 'both', { exec: ['/bin/true'], job: new HostCommand({ argv: ['/bin/true'] }) });
      expect(Testing.codes(app)).to.deep.equal(['UNIT001', 'UNIT002', 'UNIT003', 'UNIT006', 'UNIT006']);
      expectDiagnostic(app, 'UNIT001', 'error');
      expectDiagnostic(app, 'UNIT002', 'error');
      expectDiagnostic(app, 'UNIT003', 'error');
      expectDiagnostic(app, 'UNIT006', 'error');
    });

    it('UNIT004: a plain unit named like a quadlet-generated service', () => {
      const { app, site } = Testing.site();
      new Container(site, 'caddy', { image: 'docker.io/library/caddy:2-alpine' });
      new Network(site, 'edge');
      new Service(site, 'caddy-svc', { name: 'caddy', exec: ['/bin/true'] });
      new Service(site, 'edge-network', { exec: ['/bin/true'] });
      expect(Testing.codes(app)).to.deep.equal(['UNIT004', 'UNIT004']);
      expectDiagnostic(app, 'UNIT004', 'error');
    });

    it('UNIT005: two targets in one site', () => {
      const { app, site } = Testing.site();
      new Target(site, 'Target');
      new Target(site, 'Other', { name: 'other' });
      expect(Testing.codes(app)).to.deep.equal(['UNIT005']);
      expectDiagnostic(app, 'UNIT005', 'error');
    });

    it('image, secret and install checks on jobs and plain units', () => {
      const { app, site } = Testing.site();
      const env = new EnvFile(site, 'env', { values: { A: '1' } });
      new Timer(site, 'float', { onCalendar: 'daily UTC', job: new ContainerJob({ image: 'ghcr.io/sodimo/etl:latest', envFiles: [env] }) });
      new Timer(site, 'short', { onCalendar: 'daily UTC', job: new ContainerJob({ image: 'alpine:3.20' }) });
      new Service(site, 'leak', { exec: ['/bin/true'], environment: { API_TOKEN: 'abc123' } });
      new Service(site, 'multi', { exec: ['/bin/true'], install: { wantedBy: ['multi-user.target'] } });
      expect(Testing.codes(app)).to.deep.equal(['IMAGE001', 'IMAGE002', 'QUADLET027', 'SECRET001']);
      expectDiagnostic(app, 'IMAGE001', 'error');
      expectDiagnostic(app, 'IMAGE002', 'error');
      expectDiagnostic(app, 'QUADLET027', 'error');
      expectDiagnostic(app, 'SECRET001', 'error');
    });

    it('a container job waits for the networks and volumes it uses', () => {
      const { app, site } = Testing.site();
      const net = new Network(site, 'edge');
      new Timer(site, 'job', { onCalendar: 'daily UTC', job: new ContainerJob({ image: 'docker.io/library/alpine:3.20', networks: [net, Network.fromName('host-net')] }) });
      const unit = Testing.synth(app)[`${SYSTEMD_DIR}/job.service`];
      expect(unit).to.match(/^Requires=edge-network\.service$/m);
      expect(unit).to.contain('--network=edge --network=host-net ');
    });
  });
});
