import { Site } from '../core/site';
import { code, oneLine, table } from '../docs/markdown';
import { fixFor } from './fixes';
import { PrerequisiteKind } from './need';
import { prerequisitesOf } from './prerequisites';

const HEADINGS: Record<PrerequisiteKind, string> = {
  'podman': 'Software', 'systemd': 'Software', 'subids': 'User', 'linger': 'User', 'sysctl': 'Kernel settings',
  'host-unit': 'Host units', 'device': 'Devices', 'path': 'Files and folders the site does not generate', 'port': 'Free ports',
};

/**
 * The host-preparation page of a site: every prerequisite (derived from its units), who needs
 * it, where it comes from and how to provide it, in the order to do it. `files` are the site's
 * rendered files (generated paths are not prerequisites); `title` heads the page.
 */
export function hostPreparationPage(site: Site, files: Iterable<{ readonly path: string; readonly constructPath?: string }>, title: string, header: string): string {
  const all = prerequisitesOf(site, files);
  const user = site.rootless ? ' --user' : '';
  const target = site.partOfTarget;
  const out = [header, '', `# ${oneLine(title)}`, ''];
  out.push(`What the host must provide before \`systemctl${user} enable --now ${target ?? '<units>'}\`, derived from the site's units: nothing here is written by hand. \`quadlet-cdk doctor\` checks each item on a host and prints the fix of each missing one (\`--json\` for tools; exit 1 when something is missing).`, '');
  const headings = [...new Set(all.map((p) => HEADINGS[p.kind]))];
  for (const h of headings) {
    out.push(`## ${h}`, '');
    const rows = all.filter((p) => HEADINGS[p.kind] === h).map((p) => [
      oneLine(p.what), p.neededBy.length ? p.neededBy.map(code).join(', ') : 'the site', oneLine(p.why), oneLine(fixFor(p, site).text),
    ]);
    out.push(...table(['Prerequisite', 'Needed by', 'Why', 'How'], rows), '');
  }
  const shipped = [...new Set(all.flatMap((p) => (p.shipped ? [p.shipped] : [])))];
  if (shipped.length) out.push('## Shipped with the site', '', ...shipped.map((s) => `- ${code(s)}: install it into ${code(`/${s.split('/').slice(s.split('/').indexOf('host') + 1).join('/')}`)} (chezmoi applies only \`home/\`).`), '');
  return out.join('\n').replace(/\n{3,}/g, '\n\n').replace(/\n*$/, '\n');
}
