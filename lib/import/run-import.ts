/**
 * One `podman run` / `podman network create` / `podman volume create` line -> a site model.
 * The run flags are read into the compose service shape and mapped by the compose mapper, so
 * both imports treat a port, a mount or a restart policy the same way. A flag it does not know
 * goes through podmanArgs, never away.
 */
import { ComposeProject } from './compose-load';
import { mapCompose } from './compose-map';
import { SiteModel } from './model';
import { ReportBuilder } from './report';
import { siteNameOf, unitNameOf } from './values';

/** Options of the `podman run` import. */
export interface RunImportOptions {
  /** The site name. @default 'imported' */
  readonly siteName?: string;
  /** The podman release the site targets: newer keys go through podmanArgs. @default '5.4.2' */
  readonly podmanVersion?: string;
  /** Host paths under it become `home('...')`. @default - none */
  readonly homeDir?: string;
}

type Into = (svc: Record<string, any>, v: string) => void;
const push = (field: string): Into => (svc, v) => {
  svc[field] = [...(svc[field] ?? []), v];
};
const set = (field: string): Into => (svc, v) => {
  svc[field] = v;
};
const health = (field: string): Into => (svc, v) => {
  svc.healthcheck = { ...(svc.healthcheck ?? {}), [field]: field === 'test' ? ['CMD-SHELL', v] : v };
};

/** `podman run` flags that take a value, and where the value goes in the compose shape. */
const VALUE_FLAGS: Record<string, Into> = {
  '--name': set('x-name'), '-p': push('ports'), '--publish': push('ports'), '-v': push('volumes'), '--volume': push('volumes'),
  '-e': push('environment'), '--env': push('environment'), '--env-file': push('env_file'), '--restart': set('restart'),
  '-u': set('user'), '--user': set('user'), '-w': set('working_dir'), '--workdir': set('working_dir'), '--entrypoint': set('entrypoint'),
  '-h': set('hostname'), '--hostname': set('hostname'), '--cap-add': push('cap_add'), '--cap-drop': push('cap_drop'), '--device': push('devices'),
  '--gpus': set('gpus'), '-l': push('labels'), '--label': push('labels'), '--log-driver': (s, v) => { s.logging = { ...(s.logging ?? {}), driver: v }; },
  '--log-opt': (s, v) => { const [k, ...r] = v.split('='); s.logging = { ...(s.logging ?? {}), options: { ...(s.logging?.options ?? {}), [k]: r.join('=') } }; },
  '-m': set('mem_limit'), '--memory': set('mem_limit'), '--cpus': set('cpus'), '--pids-limit': set('pids_limit'), '--shm-size': set('shm_size'),
  '--ulimit': (s, v) => { const [k, lim] = v.split('='); const [soft, hard] = (lim ?? '').split(':'); s.ulimits = { ...(s.ulimits ?? {}), [k]: hard === undefined ? soft : { soft, hard } }; },
  '--sysctl': push('sysctls'), '--tmpfs': push('tmpfs'), '--stop-timeout': set('stop_grace_period'), '--stop-signal': set('stop_signal'),
  '--health-cmd': health('test'), '--health-interval': health('interval'), '--health-retries': health('retries'), '--health-timeout': health('timeout'),
  '--health-start-period': health('start_period'), '--dns': push('dns'), '--dns-search': push('dns_search'), '--dns-option': push('dns_opt'),
  '--add-host': push('extra_hosts'), '--group-add': push('group_add'), '--security-opt': push('security_opt'), '--pull': set('pull_policy'),
  '--userns': set('userns_mode'), '--annotation': push('annotations'), '--network': push('x-network'), '--net': push('x-network'),
  '--network-alias': push('x-alias'), '--ip': set('x-ip'), '--ip6': set('x-ip6'), '--mount': push('x-mount'), '--secret': push('x-secret'),
  '--pod': set('x-pod'), '--pid': set('pid'), '--ipc': set('ipc'), '--uts': set('uts'), '--platform': set('platform'), '--mac-address': set('mac_address'),
  '--cpu-shares': set('cpu_shares'), '--cpuset-cpus': set('cpuset'), '--memory-reservation': set('mem_reservation'), '--memory-swap': set('memswap_limit'),
  '--volumes-from': push('volumes_from'), '--cgroup-parent': set('cgroup_parent'), '--runtime': set('runtime'),
};
const BOOL_FLAGS: Record<string, Into | undefined> = {
  '-d': undefined, '--detach': undefined, '--rm': undefined, '-i': undefined, '-t': undefined, '-it': undefined, '-ti': undefined, '--replace': undefined,
  '--interactive': undefined, '--tty': undefined, '--init': (s) => { s.init = true; }, '--read-only': (s) => { s.read_only = true; },
  '--privileged': (s) => { s.privileged = true; }, '--no-healthcheck': (s) => { s.healthcheck = { disable: true }; },
};

/** Reads `podman run ...` into a compose-shaped service; unknown flags are returned as kept. */
function readRun(args: readonly string[], report: ReportBuilder, subject: string): { svc: Record<string, any>; kept: string[] } {
  const svc: Record<string, any> = {};
  const kept: string[] = [];
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('-')) break;
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const flag = eq > 0 ? a.slice(0, eq) : a;
    if (flag in VALUE_FLAGS) {
      const value = eq > 0 ? a.slice(eq + 1) : args[++i];
      if (value === undefined) {
        report.add('IMPORT001', subject, flag, `${flag} needs a value`);
        break;
      }
      VALUE_FLAGS[flag](svc, value);
    } else if (flag in BOOL_FLAGS) {
      BOOL_FLAGS[flag]?.(svc, '');
      if (!BOOL_FLAGS[flag]) report.add('IMPORT012', subject, flag, `${flag} is what the quadlet unit does anyway (or does not apply to a service)`);
    } else {
      kept.push(a);
      report.add('IMPORT004', subject, flag, `${a} is kept as it is through podmanArgs (a flag without = is taken as a switch)`);
    }
  }
  if (i < args.length) svc.image = args[i];
  const command = args.slice(i + 1);
  if (command.length) svc.command = command;
  return { svc, kept };
}

/** Options of `podman network create` / `podman volume create` that have compose equivalents. */
function readCreate(kind: 'network' | 'volume', args: readonly string[], report: ReportBuilder): { name?: string; cfg: Record<string, any> } {
  const cfg: Record<string, any> = {};
  let name: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const eq = a.indexOf('=');
    const flag = a.startsWith('--') && eq > 0 ? a.slice(0, eq) : a;
    const value = () => (a.startsWith('--') && eq > 0 ? a.slice(eq + 1) : args[++i]);
    if (!a.startsWith('-')) name = a;
    else if (flag === '--driver' || flag === '-d') cfg.driver = value();
    else if (flag === '--internal') cfg.internal = true;
    else if (flag === '--ipv6') cfg.enable_ipv6 = true;
    else if (flag === '--subnet') cfg.ipam = { config: [...(cfg.ipam?.config ?? []), { subnet: value() }] };
    else if (flag === '--gateway') { const c = cfg.ipam?.config ?? [{}]; c[c.length - 1].gateway = value(); cfg.ipam = { config: c }; }
    else if (flag === '--ip-range') { const c = cfg.ipam?.config ?? [{}]; c[c.length - 1].ip_range = value(); cfg.ipam = { config: c }; }
    else if (flag === '--label' || flag === '-l') cfg.labels = [...(cfg.labels ?? []), value()];
    else if (flag === '--opt' || flag === '-o') {
      const [k, ...r] = value().split('=');
      cfg.driver_opts = { ...(cfg.driver_opts ?? {}), [k]: r.join('=') };
    } else if (flag === '--ignore') continue;
    else report.add('IMPORT003', `podman ${kind} create`, flag, `${a} has no construct equivalent`);
  }
  return { name, cfg };
}

export function mapPodmanRun(argv: readonly string[], options: RunImportOptions, report: ReportBuilder): SiteModel {
  const args = argv[0] === 'podman' ? argv.slice(1) : [...argv];
  const [verb, sub] = args;
  const project: { services: Record<string, any>; networks: Record<string, any>; volumes: Record<string, any> } = { services: {}, networks: {}, volumes: {} };
  report.sources.push(`podman ${args.slice(0, 2).join(' ')} (${args.length} arguments)`);
  if ((verb === 'network' || verb === 'volume') && sub === 'create') {
    const { name, cfg } = readCreate(verb, args.slice(2), report);
    if (!name) report.add('IMPORT001', `podman ${verb} create`, undefined, `podman ${verb} create needs a name`);
    else (verb === 'network' ? project.networks : project.volumes)[name] = { ...cfg, name };
  } else if (verb === 'run' || verb === 'create' || (verb === 'container' && (sub === 'run' || sub === 'create'))) {
    const rest = verb === 'container' ? args.slice(2) : args.slice(1);
    const subject = 'podman run';
    const { svc, kept } = readRun(rest, report, subject);
    const name = unitNameOf(String(svc['x-name'] ?? String(svc.image ?? 'container').split('@')[0].split('/').pop()!.split(':')[0]));
    delete svc['x-name'];
    if (!svc.image) report.add('IMPORT001', subject, undefined, 'no image given');
    for (const n of svc['x-network'] ?? []) {
      if (['host', 'none', 'pasta', 'slirp4netns', 'private', 'bridge'].includes(n) || n.startsWith('container:')) svc.network_mode = n;
      else {
        svc.networks = { ...(svc.networks ?? {}), [n]: { aliases: svc['x-alias'], ipv4_address: svc['x-ip'], ipv6_address: svc['x-ip6'] } };
        project.networks[n] = { external: true, name: n };
      }
    }
    if (!svc['x-network'] && (svc['x-alias'] || svc['x-ip'])) report.add('IMPORT003', subject, '--ip', '--network-alias / --ip without --network: the default network takes no alias here');
    for (const v of svc.volumes ?? []) {
      const src = String(v).split(':')[0];
      if (String(v).includes(':') && !/^[./~]/.test(src)) project.volumes[src] = { external: true, name: src };
    }
    for (const m of svc['x-mount'] ?? []) {
      const o = Object.fromEntries(String(m).split(',').map((kv) => { const [k, ...r] = kv.split('='); return [k, r.length ? r.join('=') : 'true']; }));
      const entry: Record<string, any> = { type: o.type ?? 'volume', source: o.source ?? o.src, target: o.target ?? o.destination ?? o.dst, read_only: o.ro === 'true' || o.readonly === 'true' };
      svc.volumes = [...(svc.volumes ?? []), entry];
      if (entry.type === 'volume' && entry.source) project.volumes[entry.source] = { external: true, name: entry.source };
    }
    for (const s of svc['x-secret'] ?? []) kept.push(`--secret=${s}`);
    if (svc['x-pod']) report.add('IMPORT003', subject, '--pod', `--pod ${svc['x-pod']}: declare the Pod construct and set pod on the container`);
    for (const k of ['x-network', 'x-alias', 'x-ip', 'x-ip6', 'x-mount', 'x-secret', 'x-pod']) delete svc[k];
    if (kept.length) svc['x-podman-args'] = kept;
    project.services[name] = svc;
  } else {
    report.add('IMPORT001', 'podman', undefined, `podman ${args.slice(0, 2).join(' ')}: only run, create, network create and volume create are imported`);
  }
  const kept = project.services && Object.values(project.services)[0]?.['x-podman-args'];
  for (const s of Object.values(project.services)) delete s['x-podman-args'];
  const loaded: ComposeProject = { dir: '.', services: project.services, networks: project.networks, volumes: project.volumes, secrets: {}, configs: {}, secretValues: new Set(), lookup: () => undefined };
  const siteName = siteNameOf(options.siteName ?? 'imported');
  const model = mapCompose(loaded, { runLine: true, projectName: siteName, podmanVersion: options.podmanVersion, homeDir: options.homeDir, readFile: () => undefined }, report);
  // A named volume or network of a run line keeps its own name (no compose project prefix).
  for (const d of model.decls) {
    if (d.cls === 'Volume' && typeof d.props.volumeName === 'string') d.props.volumeName = d.props.volumeName.replace(`${siteName}_`, '');
    if (d.cls === 'Network' && typeof d.props.networkName === 'string') d.props.networkName = d.props.networkName.replace(`${siteName}_`, '');
    if (d.cls === 'Container' && kept) d.props.podmanArgs = [...((d.props.podmanArgs as string[]) ?? []), ...kept];
    d.notes.splice(0, d.notes.length, `from podman ${verb === 'container' ? `container ${sub}` : verb}${d.cls === 'Container' ? '' : ` (${d.cls.toLowerCase()})`}`);
  }
  return { ...model, header: ['Imported by quadlet-cdk import run.', 'Review every TODO(import) comment and the import report before you deploy it.'] };
}
