import { Site } from '../core/site';
import { Prerequisite } from './need';
import { shellQuote } from '../quadlet/site-secrets';

/** How to provide a prerequisite: what a person runs, and the command a tool may run for it. */
export interface Fix {
  /** For people: one line, commands in backquotes. */
  readonly text: string;
  /**
   * A shell command that provides it, when one can (not for files only their owner has, nor
   * hardware), run as root or as the site's user. `shipped` files of the prerequisite are
   * expected in place first (`/etc/sysctl.d/...`).
   * @default - none: a person provides it
   */
  readonly command?: { readonly as: 'root' | 'user'; readonly sh: string };
}

const tilde = (p: string) => p.replace(/^%h\//, '~/');

/** The fix of `p` on a host where the site runs as `user`. */
export function fixFor(p: Prerequisite, site: Site, user = '$USER'): Fix {
  const u = /^[A-Za-z0-9_.$-]+$/.test(user) ? user : shellQuote(user);
  const userFlag = site.rootless ? ' --user' : '';
  switch (p.kind) {
    case 'podman':
      return { text: `install podman ${p.minVersion} or later (Debian 13 ships 5.4.2), or lower the site's podmanVersion to the host's release` };
    case 'systemd':
      return { text: `run the site on a host with systemd ${p.minVersion} or later` };
    case 'subids': {
      const sh = `usermod --add-subuids 100000-165535 --add-subgids 100000-165535 ${u}`;
      return { text: `\`sudo ${sh}\` (any free range of 65536 ids), then \`podman system migrate\``, command: { as: 'root', sh } };
    }
    case 'linger':
      return { text: `\`sudo loginctl enable-linger ${u}\``, command: { as: 'root', sh: `loginctl enable-linger ${u}` } };
    case 'sysctl': {
      const file = `/etc/sysctl.d/${p.shipped!.split('/').pop()}`;
      return {
        text: `\`sudo install -m 644 ${p.shipped} /etc/sysctl.d/ && sudo sysctl -p ${file}\` (the site ships the file; it sets ${p.sysctl!.key} = ${p.sysctl!.atMost})`,
        command: { as: 'root', sh: `sysctl -p ${file}` },
      };
    }
    case 'host-unit': {
      const sh = `systemctl${userFlag} enable --now ${p.unit}`;
      return { text: `\`${sh}\`: enabling the site's target starts it too (the target wants it)`, command: { as: site.rootless ? 'user' : 'root', sh } };
    }
    case 'device': {
      const d = p.device!;
      const groups = d.groups.map((g) => `\`sudo usermod -aG ${g} ${u}\``).join(', ');
      return {
        text: `a host with ${d.path} (its GPU driver loaded)${groups ? `, and ${groups} (log in again after)` : ''}`,
        command: d.groups.length ? { as: 'root', sh: d.groups.map((g) => `usermod -aG ${g} ${u}`).join(' && ') } : undefined,
      };
    }
    case 'path': {
      const path = tilde(p.path!.path);
      if (p.path!.template) {
        return { text: `\`install -m 600 ${tilde(p.path!.template)} ${path}\`, then fill in its empty secret values` };
      }
      const mode = p.path!.type === 'executable' ? ', executable by the user' : ', readable by the user';
      return { text: `put the ${p.path!.type} ${path} there${mode}${p.from ? `; it comes from ${p.from}` : ''}` };
    }
    case 'port':
      return { text: `stop what listens on ${p.port!.address}:${p.port!.port} (\`ss -ltnp 'sport = :${p.port!.port}'\` names it)` };
  }
}
