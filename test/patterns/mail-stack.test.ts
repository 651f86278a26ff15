import { expect } from 'chai';
import { Container, EnvFile, MailStack } from '../../lib';
import { expectDiagnostic, Testing } from '../../lib/testing';
import { cleanSynth, dryRun, found, lab, needQuadlet } from './support';

function mailSite() {
  const t = lab();
  const mail = new MailStack(t.site, 'mail', { hostname: 'mail.example.org', domains: ['example.org', 'example.net'] });
  const env = new EnvFile(t.site, 'app-env', { name: 'app' });
  const sender = new Container(t.site, 'app', { image: 'docker.io/example/app:1.0.0' });
  mail.connect(sender, { envFile: env, hostVar: 'SMTP_HOST', portVar: 'SMTP_PORT' });
  return { ...t, mail, sender, env };
}

describe('patterns: MailStack', () => {
  it('matches the golden tree', () => {
    expect(Testing.golden(cleanSynth(mailSite().app), 'test/patterns/__golden__/mail-stack')).to.deep.equal([]);
  });

  it('passes the real quadlet generator', function () {
    needQuadlet(this);
    const r = dryRun(cleanSynth(mailSite().app));
    expect(r.ok, r.stderr).to.equal(true);
    expect(Object.keys(r.services)).to.include.members(['postfix.service', 'dovecot.service', 'rspamd.service', 'dovecot-mail-volume.service']);
  });

  it('wires postfix to rspamd (milter) and dovecot (LMTP), and publishes the mail ports', () => {
    const { mail } = mailSite();
    expect(mail.postfixEnv.valueOf('POSTFIX_smtpd_milters')).to.equal('inet:rspamd:11332');
    expect(mail.postfixEnv.valueOf('POSTFIX_virtual_transport')).to.equal('lmtp:inet:dovecot:24');
    expect(mail.postfixEnv.valueOf('ALLOWED_SENDER_DOMAINS')).to.equal('example.org example.net');
    expect(mail.postfix.dependencies.map((d) => [d.unit, d.strength])).to.have.deep.members([[mail.rspamd, 'requires'], [mail.dovecot, 'requires']]);
    expect([...mail.postfix.props.publish!, ...mail.dovecot.props.publish!].map((p) => `${p.container}${p.public ? ' public' : ''}`))
      .to.deep.equal(['25 public', '587 public', '465 public', '143 public', '993 public']);
  });

  it('senders want postfix rather than require it', () => {
    const { mail, sender, env } = mailSite();
    expect(sender.dependencies.map((d) => [d.unit, d.strength])).to.deep.equal([[mail.postfix, 'wants']]);
    expect(env.valueOf('SMTP_HOST')).to.equal('postfix');
    expect(env.valueOf('SMTP_PORT')).to.equal('587');
  });

  it('a host name that is not fully qualified, or a bad domain (PATTERN005)', () => {
    const t = lab();
    new MailStack(t.site, 'mail', { hostname: 'mail', domains: ['example.org', 'Not A Domain'] });
    // ENV003 too: HOSTNAME=mail reads as a peer's name, and no container answers to it.
    expect(found(t.app)).to.deep.equal(['ENV003 lab/postfix', 'PATTERN005 lab/postfix', 'PATTERN005 lab/postfix']);
    expectDiagnostic(t.app, 'ENV003', 'error');
    expectDiagnostic(t.app, 'PATTERN005', 'error');
  });
});
