import { Construct } from 'constructs';
import { registerSiteCheck } from '../core/app';
import { unitNeeds } from './derive';
import { ValidationContext, Resource } from '../core/resource';
import { isAbsolutePath, literalOf, UnitValue } from '../render/systemd-value';
import './codes';
import type { HostPathType } from './need';

export interface HostFileProps {
  /** The path on the host, as the units name it: `home('.config/sodimo/dovecot/dovecot.conf')` or `/mnt/dumps`. */
  readonly path: UnitValue;
  /** Where it comes from, for the host-preparation page and `doctor`: a repository, a package, a mount. */
  readonly from: string;
  /**
   * What it is. `executable` must be runnable by the site's user.
   * @default - what the unit that uses it implies (a name with an extension is a file, else a folder; a command is an executable)
   */
  readonly type?: HostPathType;
}

/**
 * Says where a host file or folder that a unit mounts or runs comes from, when the site does not
 * generate it. The site derives the prerequisite itself (the mount, the command); this only adds
 * the provenance: `new HostFile(site, 'dovecot-conf', { path: home('.config/sodimo/dovecot/dovecot.conf'), from: 'sodimo/dotfiles (private)' })`.
 */
export class HostFile extends Resource {
  public readonly kind = 'host-file';
  public readonly props: HostFileProps;

  public constructor(scope: Construct, id: string, props: HostFileProps) {
    super(scope, id);
    this.props = props;
  }

  /** The path in unit syntax (`%h/...` or absolute). */
  public get path(): string {
    return literalOf(this.props.path).replace(/\/+$/, '');
  }

  public validate(ctx: ValidationContext): void {
    const p = literalOf(this.props.path);
    if (!isAbsolutePath(this.props.path) || p.includes(':') || /[\r\n\0]/.test(p)) ctx.report('HOST001', `host path "${p}" is not an absolute path or home(...)`);
    if (!this.props.from || !this.props.from.trim()) ctx.report('HOST001', `host path ${p} does not say where it comes from`);
  }
}

/** A HostFile no unit mounts or runs describes nothing: its path is probably mistyped (HOST002). */
registerSiteCheck('host-files', (site, resources, reporterOf) => {
  const used = new Set(unitNeeds(site).flatMap(({ need }) => (need.kind === 'path' ? [need.path] : [])));
  for (const r of resources) {
    if (r instanceof HostFile && !used.has(r.path)) reporterOf(r)('HOST002', `no unit of site ${site.name} mounts or runs ${r.path}`);
  }
});
