import { Construct } from 'constructs';
import { RenderContext, Resource, resourcesIn, ValidationContext } from '../core/resource';
import { Site } from '../core/site';
import { Caddy } from '../caddy/caddy';
import { Tunnel } from '../caddy/tunnel';
import { Container } from '../quadlet/container';
import { escapeControls } from '../core/names';
import { EnvFile } from '../quadlet/env-file';
import { SiteSecrets } from '../quadlet/site-secrets';
import { headerFor } from '../quadlet/unit';
import { hostPreparationPage } from '../host/host-page';
import './codes';
import { FileRecord, relativeToSite } from './facts';
import { renderMermaid } from './graph';
import { byText, code, oneLine, table } from './markdown';
import { hopReaches, RoutableUnit, routeHops } from './routing';
import { renderUnitSection, SectionContext } from './sections';
import { collectUnits, DocUnit, DocUnitKind } from './units';

export interface SiteDocsProps {
  /**
   * The document's title (the first heading).
   * @default - "<site>: units"
   */
  readonly title?: string;
  /**
   * A paragraph under the title, in Markdown.
   * @default - a sentence on what the page holds, and how to start the stack when the site has a Target
   */
  readonly intro?: string;
  /**
   * The file, relative to the site's docs folder (`docs/`).
   * @default '<site>.md'
   */
  readonly fileName?: string;
}

const GROUPS: Array<[DocUnitKind, string]> = [
  ['container', 'Containers'], ['pod', 'Pods'], ['kube', 'Kube units'], ['timer', 'Timers'], ['service', 'Services'],
];

/**
 * One Markdown page about a site, derived from its tree once every other file is rendered: the
 * routing posture (hostnames to units), a Mermaid picture of the unit dependencies, and one
 * section per unit (upstream, image, role, ports, routing, env, secrets, dependencies, the files
 * it came from, notes). Secret values never appear: only names, as in the env templates.
 *
 * `new SiteDocs(site, 'docs')` writes `docs/<site>.md` in the site's folder.
 */
export class SiteDocs extends Resource {
  public readonly kind = 'docs';
  public readonly renderAfterOthers = true;
  /** The file name inside the docs folder. */
  public readonly fileName: string;
  private readonly props: SiteDocsProps;

  public constructor(scope: Construct, id: string, props: SiteDocsProps = {}) {
    super(scope, id);
    this.props = props;
    this.fileName = props.fileName ?? `${this.site.name}.md`;
  }

  public validate(ctx: ValidationContext): void {
    if (!validFileName(this.fileName)) ctx.report('DOCS001', `"${this.fileName}" is not a relative .md path`);
  }

  /** The site's host-preparation page, beside this one: `<site>-host.md`. */
  public get hostFileName(): string {
    return this.fileName.replace(/\.md$/, '-host.md');
  }

  public render(ctx: RenderContext): void {
    if (!validFileName(this.fileName)) return;
    ctx.emit('docs', this.fileName, this.toMarkdown(ctx.files));
    const header = `<!-- ${escapeControls(headerFor(this.node.path).join(' ')).replace(/>/g, '&gt;')} -->`;
    ctx.emit('docs', this.hostFileName, hostPreparationPage(this.site, ctx.files.values(), `${this.site.name}: host preparation`, header));
  }

  /** The page, from the files rendered so far (pass RenderContext.files). */
  public toMarkdown(rendered: RenderContext['files']): string {
    const site = this.site;
    const resources = resourcesIn(site);
    const docsDir = `${site.dirOf('docs')}/`;
    const sitePath = site.node.path;
    const files: FileRecord[] = [...rendered.values()]
      .filter((f) => (f.constructPath === sitePath || f.constructPath.startsWith(`${sitePath}/`)) && !f.path.startsWith(docsDir))
      .sort((a, b) => byText(a.path, b.path));
    const units = collectUnits(site);
    const hops = routeHops(resources);
    const caddies = resources.filter((r): r is Caddy => r instanceof Caddy);
    const sectionCtx: SectionContext = { site, files, hops, caddies, units };

    const out: string[] = [`<!-- ${escapeControls(headerFor(this.node.path).join(' ')).replace(/>/g, '&gt;')} -->`, '', `# ${oneLine(this.props.title ?? `${site.name}: units`)}`, ''];
    out.push(this.props.intro ?? defaultIntro(site, units), '');
    out.push(...hostSetup(site, resources, units, this.hostFileName.split('/').pop()!), '');
    out.push(...routingPosture(site, resources, sectionCtx), '');
    out.push(...deviationsSection(units));
    out.push('## Dependencies', '');
    out.push(graphLegend(units), '');
    out.push(...renderMermaid(units), '');
    for (const [kind, heading] of GROUPS) {
      const group = units.filter((u) => u.kind === kind);
      if (group.length === 0) continue;
      out.push(`## ${heading}`, '');
      for (const u of group) out.push(...renderUnitSection(u, sectionCtx), '');
    }
    out.push('## Files', '');
    out.push(...table(['File', 'Written by'], files.map((f) => [code(relativeToSite(f.path, site)), code(f.constructPath)])));
    return out.join('\n').replace(/\n{3,}/g, '\n\n').replace(/\n*$/, '\n');
  }
}

/** Every documented deviation from the design, by unit, so none hides in a code comment. */
function deviationsSection(units: readonly DocUnit[]): string[] {
  const rows = units.flatMap((u) => (u.about.deviations ?? []).map((d) => `- ${code(u.fileName)}: ${oneLine(d)}`));
  return rows.length ? ['## Deviations from the design', '', 'Where this site deliberately differs from the design it was written from, and why.', '', ...rows, ''] : [];
}

function validFileName(name: string): boolean {
  return name.endsWith('.md') && name.length > 3 && !name.startsWith('/') && !name.includes('\\')
    && name.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..');
}

function defaultIntro(site: Site, units: readonly DocUnit[]): string {
  const target = units.find((u) => u.kind === 'target');
  const count = units.filter((u) => u.kind !== 'target').length;
  const start = target ? ` \`systemctl${site.rootless ? ' --user' : ''} enable --now ${target.fileName}\` brings the stack up.` : '';
  return `Every unit of site \`${site.name}\` (${count} in all), derived from the construct tree: where it comes from, what it does, how traffic reaches it, what it reads and what it needs.${start}`;
}

function graphLegend(units: readonly DocUnit[]): string {
  const target = units.find((u) => u.kind === 'target');
  const box = target ? ` The box is \`${target.fileName}\`: the units it starts.` : '';
  return `An arrow points from a unit to a unit it starts after, labelled with the strength of the dependency: \`requires\` (solid, \`Requires=\`: a restart of the other unit restarts this one), \`binds to\` (thick, \`BindsTo=\`), \`wants\` (dotted, \`Wants=\`: no restart cascade), \`after\` (dotted, order only) or \`pod\` (membership); \`healthy\` when it waits for the other unit's health check. Networks, volumes and units outside the site are listed under each unit.${box}`;
}

/**
 * What the operator runs once on the host, in order: linger (rootless), the env files to fill in
 * from their templates, the podman secrets to create (generated ones need nothing), then start.
 */
function hostSetup(site: Site, resources: readonly Resource[], units: readonly DocUnit[], hostPage: string): string[] {
  const user = site.rootless ? ' --user' : '';
  const out = ['## Run once on the host', '', `Prepare the host first: [${hostPage}](${hostPage}) lists what it must provide (sysctls, sockets, devices, host files, free ports), derived from the units; \`quadlet-cdk doctor\` checks it.`, ''];
  if (site.rootless) out.push('- `sudo loginctl enable-linger $USER`: without linger the user\'s units stop at logout and do not start at boot.');
  const envFiles = resources.filter((r): r is EnvFile => r instanceof EnvFile).sort((a, b) => byText(a.name, b.name));
  for (const f of envFiles) {
    const path = f.hostPath.text.replace(/^%h\//, '~/');
    const fill = f.secretNames.length ? `, fill in ${f.secretNames.map(code).join(', ')}` : '';
    out.push(`- ${code(path)}: make it from ${code(`${path}.tmpl`)}${fill}, \`chmod 600\` it.`);
  }
  const siteSecrets = SiteSecrets.find(site);
  const secrets = siteSecrets?.all ?? [];
  for (const s of secrets.filter((x) => !x.generated)) {
    out.push(`- ${code(`podman secret create ${s.secretName} -`)}${s.description ? ` (${oneLine(s.description)})` : ''}, typing or piping the value.`);
  }
  const generated = secrets.filter((x) => x.generated);
  if (generated.length) {
    out.push(`- Nothing for ${generated.map((s) => code(s.secretName)).join(', ')}: ${code(siteSecrets!.serviceName)} creates each with a random value before the first container that reads it starts, and never changes it (delete it only together with the data it protects).`);
  }
  const target = units.find((u) => u.kind === 'target');
  out.push(`- \`systemctl${user} daemon-reload\`${target ? `, then \`systemctl${user} enable --now ${target.fileName}\`` : ''}.`);
  return out;
}

/** The tunnels, the Caddies with their hostname table, and the ports published on every interface. */
function routingPosture(site: Site, resources: readonly Resource[], ctx: SectionContext): string[] {
  const out = ['## Routing posture', ''];
  const tunnels = resources.filter((r): r is Tunnel => r instanceof Tunnel).sort((a, b) => byText(a.node.path, b.node.path));
  for (const t of tunnels) {
    const rules = t.ingressRules.map((r) => {
      const match = r.hostname === undefined && (r.path === undefined || r.path === '') ? 'anything else' : `${code(r.hostname ?? '*')}${r.path ? ` path ${code(r.path)}` : ''}`;
      return `${match} → ${code(r.service)}${r.service === t.caddyService ? ` (Caddy ${code(t.props.caddy.container.unitFileName)})` : ''}`;
    });
    out.push(`- **cloudflared** · tunnel ${code(t.props.tunnelId)}, a host unit outside the site; ingress: ${rules.join('; ')}`);
  }
  for (const caddy of ctx.caddies) {
    const lb = caddy.loopback;
    out.push(`- **Caddy** · ${code(caddy.container.unitFileName)}${lb ? ` on ${code(`${lb.address}:${lb.port}`)}` : ''}, plain HTTP; routes by hostname (${caddy.routes.length} route${caddy.routes.length === 1 ? '' : 's'})`);
  }
  const direct = ctx.units.flatMap((u) => {
    if (!(u.construct instanceof Container) || u.construct.props.pod) return [];
    const ports = (u.construct.props.publish ?? []).filter((m) => m.public).map((m) => String(m.host ?? m.container));
    return ports.length ? [`${code(u.fileName)} (${ports.map(code).join(', ')})`] : [];
  });
  if (direct.length) out.push(`- **Direct** · published on every interface: ${direct.join(', ')}`);
  if (tunnels.length + ctx.caddies.length + direct.length === 0) out.push(`- Nothing on site \`${site.name}\` is reachable from outside the host.`);
  const hops = ctx.hops;
  if (hops.length) {
    const unitOf = (h: (typeof hops)[number]) => {
      const names = ctx.units.filter((u) => ['container', 'pod', 'kube'].includes(u.kind) && hopReaches(h, u.construct as RoutableUnit)).map((u) => code(u.fileName));
      if (names.length) return names.join(', ');
      return h.upstream.hostPort !== undefined ? `the host's port ${h.upstream.hostPort}` : 'outside the site';
    };
    out.push('', ...table(['Hostname', 'Path', 'Via', 'Upstream', 'Unit'], hops.map((h) => [
      code(h.host), h.path === undefined ? '' : code(h.path), h.tunnel ? 'cloudflared → Caddy' : 'Caddy', code(h.dial), unitOf(h),
    ])));
  }
  return out;
}
