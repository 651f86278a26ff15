import { expect } from 'chai';
import { ContainerJob, Timer } from '../../lib';
import { dstConflicts } from '../../lib/systemd/dst';
import { expectDiagnostic, findValidators, requireValidators, systemdCalendar, Testing } from '../../lib/testing';

const IMG = 'docker.io/library/alpine:3.20';
const FROM = new Date('2026-12-01T00:00:00Z');

/** The local date (YYYY-MM-DD in `zone`) of each elapse `systemd-analyze calendar` prints (TZ=UTC). */
function localDates(expr: string, zone: string, iterations: number): string[] {
  const res = systemdCalendar(expr, { iterations });
  expect(res.ok, res.output).to.equal(true);
  const f = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' });
  return res.next!.map((line) => {
    const m = /(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}) UTC/.exec(line)!;
    return f.format(new Date(`${m[1]}T${m[2]}Z`));
  });
}

describe('timers: daylight-saving gaps and overlaps (TIMER004)', () => {
  it('names the spring gap and the autumn overlap of 02:00-03:00 in Paris and Berlin', () => {
    for (const zone of ['Europe/Paris', 'Europe/Berlin']) {
      expect(dstConflicts(`*-*-* 02:30:00 ${zone}`, FROM)).to.deep.equal([
        { kind: 'gap', date: '2027-03-28', span: '02:00-03:00' },
        { kind: 'overlap', date: '2027-10-31', span: '02:00-03:00' },
      ]);
    }
    // A schedule limited to later years is checked over the first of them.
    expect(dstConflicts('2099-*-* 02:30:00 Europe/Paris', FROM).map((c) => c.date)).to.deep.equal(['2099-03-29', '2099-10-25']);
    expect(dstConflicts('*-*-* 01:30:00 America/New_York', FROM)).to.deep.equal([{ kind: 'overlap', date: '2027-11-07', span: '01:00-02:00' }]);
  });

  it('leaves alone times outside the change, weekdays that miss it, UTC and zones without summer time', () => {
    expect(dstConflicts('*-*-* 03:00:00 Europe/Paris', FROM)).to.deep.equal([]);
    expect(dstConflicts('*-*-* 01:59:00 Europe/Paris', FROM)).to.deep.equal([]);
    expect(dstConflicts('Mon..Sat *-*-* 02:30:00 Europe/Paris', FROM)).to.deep.equal([]);
    expect(dstConflicts('*-*-* 02:30:00 UTC', FROM)).to.deep.equal([]);
    expect(dstConflicts('*-*-* 02:30:00 Asia/Tokyo', FROM)).to.deep.equal([]);
    expect(dstConflicts('hourly Europe/Paris', FROM).map((c) => c.kind)).to.deep.equal(['gap', 'overlap']);
  });

  it('agrees with systemd-analyze calendar: no run on the gap date, one run on the overlap date', function () {
    if (!findValidators().systemdAnalyze) {
      if (requireValidators()) throw new Error('systemd-analyze is missing: run scripts/ensure-validators.sh');
      this.skip();
    }
    const expr = '*-*-* 02:30:00 Europe/Paris';
    const conflicts = dstConflicts(expr, new Date());
    const dates = localDates(expr, 'Europe/Paris', 370);
    const gap = conflicts.find((c) => c.kind === 'gap')!;
    const overlap = conflicts.find((c) => c.kind === 'overlap')!;
    expect(dates).not.to.include(gap.date);
    const dayBefore = new Date(Date.parse(`${gap.date}T12:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
    expect(dates).to.include(dayBefore);
    expect(dates.filter((d) => d === overlap.date)).to.have.length(1);
    // A time clear of the change runs every day, as systemd says too.
    expect(dstConflicts('*-*-* 03:30:00 Europe/Paris', new Date())).to.deep.equal([]);
    expect(localDates('*-*-* 03:30:00 Europe/Paris', 'Europe/Paris', 370)).to.include(gap.date);
  });

  it('a timer at 02:30 Europe/Paris gets the TIMER004 warning naming the dates; synth still succeeds', () => {
    const { app, site } = Testing.site();
    new Timer(site, 'etl', { onCalendar: '*-*-* 02:30:00 Europe/Paris', job: new ContainerJob({ image: IMG }) });
    new Timer(site, 'safe', { onCalendar: '*-*-* 03:30:00 Europe/Paris', job: new ContainerJob({ image: IMG }) });
    const diags = expectDiagnostic(app, 'TIMER004', 'warning');
    expect(diags.map((d) => d.path)).to.deep.equal(['test/etl']);
    expect(diags[0].message).to.match(/^OnCalendar=\*-\*-\* 02:30:00 Europe\/Paris falls in a daylight-saving change: it does not run on \d{4}-03-\d{2} \(clocks skip 02:00-03:00\); it runs once, at the first of two 02:00-03:00 hours, on \d{4}-10-\d{2}$/);
  });
});
