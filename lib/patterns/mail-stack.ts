import { Construct } from 'constructs';
import { About } from '../core/about';
import { Diagnostics } from '../core/diagnostics';
import { Container, ContainerProps, Mount } from '../quadlet/container';
import { EnvFile } from '../quadlet/env-file';
import { Volume } from '../quadlet/volume';
import './codes';
import { ensureEnvFile, ensureValue, recordLink } from './connections';
import { freeId, resourceId } from './placement';

/** One of the three mail containers. */
export interface MailServiceProps {
  /** Unit, container and DNS name. @default 'postfix', 'dovecot' or 'rspamd' */
  readonly name?: string;
  /** The image, fully qualified. @default - the version the reference site runs */
  readonly image?: string;
  /** Allow a floating tag, with the reason. @default - floating tags are errors */
  readonly allowFloatingTag?: string;
  /** More mounts (config files, users.d). @default - none */
  readonly volumes?: Mount[];
  /** Docs. @default - none */
  readonly about?: About;
  /** Any other container settings. @default - none */
  readonly containerProps?: Partial<ContainerProps>;
}

export interface MailStackProps {
  /** postfix's HOSTNAME: the fully qualified name it greets with and the MX points at. */
  readonly hostname: string;
  /** Domains postfix sends for (ALLOWED_SENDER_DOMAINS). */
  readonly domains: string[];
  /** postfix (docker.io/boky/postfix), configured by env. @default - docker.io/boky/postfix:4.3.0 */
  readonly postfix?: MailServiceProps & {
    /** More POSTFIX_* and other values for `postfix.env`. @default - none */
    readonly env?: Record<string, string>;
  };
  /** dovecot: IMAP for clients, LMTP for postfix. @default - docker.io/dovecot/dovecot:2.3.21.1 */
  readonly dovecot?: MailServiceProps;
  /** rspamd: spam filter and DKIM signer, a milter for postfix. @default - docker.io/rspamd/rspamd:3.9.1 */
  readonly rspamd?: MailServiceProps;
}

/** How a container sends mail through the stack. */
export interface MailConnectOptions {
  /** The variable for the SMTP host. */
  readonly hostVar: string;
  /** The variable for the SMTP port. @default - none */
  readonly portVar?: string;
  /** Write the values here (and make the consumer read it). @default - Environment= lines */
  readonly envFile?: EnvFile;
}

/** The ports the wiring uses. */
export const MAIL_PORTS = { milter: 11332, rspamdUi: 11334, lmtp: 24, smtp: 25, submission: 587, submissions: 465, imap: 143, imaps: 993 } as const;

const DNS = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

/**
 * postfix + dovecot + rspamd, wired as the reference site runs them: postfix filters through
 * rspamd's milter (`inet:rspamd:11332`), delivers over LMTP to dovecot (`lmtp:inet:dovecot:24`),
 * and publishes 25, 587 and 465 on every interface; dovecot publishes 143 and 993. Mail ports
 * are public by nature, so a host runs one stack and its members keep plain names.
 *
 * ```ts
 * const mail = new MailStack(site, 'mail', { hostname: 'mail.example.org', domains: ['example.org'] });
 * mail.connect(vaultwarden, { hostVar: 'SMTP_HOST', portVar: 'SMTP_PORT', envFile: vwEnv });
 * ```
 */
export class MailStack {
  public readonly rspamd: Container;
  public readonly dovecot: Container;
  public readonly postfix: Container;
  public readonly postfixEnv: EnvFile;
  /** rspamd's local.d (DKIM keys live here). */
  public readonly rspamdConfig: Volume;
  /** The mailboxes. */
  public readonly mailboxes: Volume;

  public constructor(scope: Construct, id: string, props: MailStackProps) {
    const rs = props.rspamd ?? {};
    const rsName = rs.name ?? 'rspamd';
    this.rspamdConfig = new Volume(scope, resourceId(scope, rsName, `${rsName}-config`, 'volume'), { name: `${rsName}-config` });
    this.rspamd = new Container(scope, freeId(scope, rsName), {
      ...rs.containerProps,
      name: rsName,
      image: rs.image ?? 'docker.io/rspamd/rspamd:3.9.1',
      allowFloatingTag: rs.allowFloatingTag,
      ports: [MAIL_PORTS.milter, MAIL_PORTS.rspamdUi, ...(rs.containerProps?.ports ?? [])],
      volumes: [{ volume: this.rspamdConfig, path: '/etc/rspamd/local.d' }, ...(rs.volumes ?? [])],
      about: rs.about ?? rs.containerProps?.about,
    });

    const dc = props.dovecot ?? {};
    const dcName = dc.name ?? 'dovecot';
    this.mailboxes = new Volume(scope, resourceId(scope, dcName, `${dcName}-mail`, 'volume'), { name: `${dcName}-mail` });
    this.dovecot = new Container(scope, freeId(scope, dcName), {
      ...dc.containerProps,
      name: dcName,
      image: dc.image ?? 'docker.io/dovecot/dovecot:2.3.21.1',
      allowFloatingTag: dc.allowFloatingTag,
      ports: [MAIL_PORTS.lmtp, ...(dc.containerProps?.ports ?? [])],
      publish: [{ container: MAIL_PORTS.imap, public: true }, { container: MAIL_PORTS.imaps, public: true }],
      volumes: [{ volume: this.mailboxes, path: '/srv/mail' }, ...(dc.volumes ?? [])],
      about: dc.about ?? dc.containerProps?.about,
    });

    const pf = props.postfix ?? {};
    const pfName = pf.name ?? 'postfix';
    const milter = `inet:${this.rspamd.hostname}:${MAIL_PORTS.milter}`;
    this.postfixEnv = new EnvFile(scope, resourceId(scope, pfName, pfName, 'env'), {
      name: pfName,
      values: {
        HOSTNAME: props.hostname,
        ALLOWED_SENDER_DOMAINS: props.domains.join(' '),
        POSTFIX_smtpd_milters: milter,
        POSTFIX_non_smtpd_milters: milter,
        POSTFIX_virtual_transport: `lmtp:inet:${this.dovecot.hostname}:${MAIL_PORTS.lmtp}`,
        ...(pf.env ?? {}),
      },
    });
    this.postfix = new Container(scope, freeId(scope, pfName), {
      ...pf.containerProps,
      name: pfName,
      image: pf.image ?? 'docker.io/boky/postfix:4.3.0',
      allowFloatingTag: pf.allowFloatingTag,
      publish: [MAIL_PORTS.smtp, MAIL_PORTS.submission, MAIL_PORTS.submissions].map((p) => ({ container: p, public: true })),
      volumes: pf.volumes,
      envFiles: [this.postfixEnv, ...(pf.containerProps?.envFiles ?? [])],
      dependsOn: [this.rspamd, this.dovecot, ...(pf.containerProps?.dependsOn ?? [])],
      about: pf.about ?? pf.containerProps?.about,
    });

    for (const d of [props.hostname, ...props.domains]) {
      if (!DNS.test(d)) Diagnostics.report(this.postfix, 'PATTERN005', `mail stack ${id}: "${d}" is not a fully qualified DNS name`);
    }
  }

  /** The host name senders on the site's network use. */
  public get smtpHost(): string {
    return this.postfix.hostname;
  }

  /**
   * Let `consumer` send mail: host (and port 587) variables, and Wants= on postfix rather than
   * Requires=, since mail is sent lazily and the consumer can start without it.
   */
  public connect(consumer: Container, options: MailConnectOptions): void {
    const set = (name: string, value: string) => {
      if (options.envFile) ensureValue(options.envFile, name, value);
      else consumer.addEnvironment(name, value);
    };
    set(options.hostVar, this.smtpHost);
    if (options.portVar) set(options.portVar, String(MAIL_PORTS.submission));
    if (options.envFile) ensureEnvFile(consumer, options.envFile);
    consumer.dependsOn(this.postfix, { strength: 'wants' });
    recordLink(consumer, this.postfix, 'mail relay');
  }
}
