import { expect } from 'chai';
import { BackupJob, home, PostgresDatabase, Volume } from '../../lib';
import { execStartOf, expectDiagnostic, systemdArgv, systemdVerify, Testing } from '../../lib/testing';
import { cleanSynth, dryRun, found, lab, needQuadlet } from './support';
import { findValidators, requireValidators } from '../../lib/testing';

function backups() {
  const t = lab();
  const uploads = new Volume(t.site, 'wiki-uploads');
  new BackupJob(t.site, 'backup', { volumes: [uploads], paths: { dotfiles: home('.config/lab') }, target: '/mnt/nas/backup' });
  new BackupJob(t.site, 'offsite', { tool: 'restic', volumes: [uploads], target: home('backup/restic'), onCalendar: 'Sun *-*-* 05:00:00 Europe/Paris', keepDays: 30 });
  return t;
}

const UNITS = '.config/systemd/user';

describe('patterns: BackupJob', () => {
  it('matches the golden tree', () => {
    expect(Testing.golden(cleanSynth(backups().app), 'test/patterns/__golden__/backup-job')).to.deep.equal([]);
  });

  it('its volumes pass the real quadlet generator, and its units systemd-analyze verify', function () {
    needQuadlet(this);
    const files = cleanSynth(backups().app);
    const r = dryRun(files);
    expect(r.ok, r.stderr).to.equal(true);
    if (!findValidators().systemdAnalyze) {
      if (requireValidators()) throw new Error('systemd-analyze missing');
      this.skip();
    }
    const v = systemdVerify(Testing.area(files, '.config/containers/systemd'), Testing.area(files, UNITS));
    expect(v.ok, v.output).to.equal(true);
  });

  it('podman receives the script exactly as written, sources read-only', () => {
    const files = cleanSynth(backups().app);
    const argv = systemdArgv(execStartOf(files[`${UNITS}/backup.service`]));
    expect(argv).to.include('--volume=wiki-uploads:/backup/wiki-uploads:ro');
    expect(argv).to.include('--volume=%h/.config/lab:/backup/dotfiles:ro');
    expect(argv).to.include('--volume=/mnt/nas/backup:/target');
    expect(argv.slice(-2)).to.deep.equal(['-c', 'set -eu; f=/target/backup-$(date -u +%Y%m%dT%H%M%SZ).tar.gz; tar -czf "$f.partial" -C /backup .; mv "$f.partial" "$f"; find /target -maxdepth 1 -name \'backup-*.tar.gz\' -mtime +14 -delete']);
  });

  it('a live database volume: PATTERN006 unless allowed with a reason', () => {
    const t = lab();
    const db = new PostgresDatabase(t.site, 'wiki-db');
    new BackupJob(t.site, 'backup', { volumes: [db.volume], target: '/srv/backup' });
    new BackupJob(t.site, 'backup2', { volumes: [db.volume], target: '/srv/backup', allowLiveDatabase: 'crash-consistent is fine for this wiki' });
    expect(found(t.app)).to.deep.equal(['PATTERN006 lab/backup']);
    expectDiagnostic(t.app, 'PATTERN006', 'warning');
  });

  it('nothing to back up (PATTERN007)', () => {
    const t = lab();
    new BackupJob(t.site, 'backup', { target: '/srv/backup' });
    expect(found(t.app)).to.deep.equal(['PATTERN007 lab/backup']);
    expectDiagnostic(t.app, 'PATTERN007', 'error');
  });

  it('a relative target or an unusable source name (PATTERN008)', () => {
    const t = lab();
    new BackupJob(t.site, 'backup', { paths: { 'my docs': '/home/me/docs', etc: '/etc' }, target: 'backups' });
    expect(Testing.diagnostics(t.app).map((d) => `${d.code} ${d.message}`)).to.deep.equal([
      'PATTERN008 backup backup: source name "my docs" cannot be a folder under /backup',
      'PATTERN008 backup backup: target "backups" is not an absolute host folder',
      // The job's own mount check says what podman would do with it.
      'QUADLET003 host path "backups" is not absolute: podman would take it as the name of a volume',
    ]);
  });
});
