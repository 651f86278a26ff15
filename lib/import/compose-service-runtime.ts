/**
 * A compose service's health check, restart policy, resources, runtime options, secrets and
 * configs, mapped onto the props of its Container (see compose-service.ts for the mapper).
 */
import { isAllHex } from '../core/names';
import { keyValueMap } from './compose-load';
import type { ServiceMapper } from './compose-service';
import { Ref, unitOf, Value } from './model';
import { durationSeconds, hostPathValue, keyUsable, list } from './values';

export function mapHealth(m: ServiceMapper): void {
  const h = m.take('healthcheck');
  if (!h || typeof h !== 'object') return;
  if (h.disable === true) {
    m.set('healthCmd', 'none');
    return;
  }
  const test = h.test;
  if (Array.isArray(test)) {
    const [kind, ...rest] = test.map(String);
    if (kind === 'NONE') m.set('healthCmd', 'none');
    else if (kind === 'CMD-SHELL') m.set('healthCmd', rest.join(' ').trim());
    else if (kind === 'CMD') m.set('healthCmd', JSON.stringify(['CMD', ...rest]));
    else m.set('healthCmd', JSON.stringify(test.map(String)));
  } else if (typeof test === 'string') m.set('healthCmd', test.trim());
  const durations: Array<[string, string]> = [['interval', 'healthInterval'], ['timeout', 'healthTimeout'], ['start_period', 'healthStartPeriod']];
  for (const [field, prop] of durations) if (h[field] !== undefined) m.set(prop, String(h[field]));
  if (h.retries !== undefined) m.set('healthRetries', String(h.retries));
  if (h.start_interval !== undefined) m.todo('healthcheck.start_interval', 'podman has no interval for the start period alone');
}

export function mapRestart(m: ServiceMapper): void {
  const r = m.take('restart');
  const deployPolicy = m.svc.deploy?.restart_policy?.condition;
  const policy = r ?? (deployPolicy === 'none' ? 'no' : deployPolicy === 'any' ? 'always' : deployPolicy);
  if (policy === undefined) return;
  const [p, max] = String(policy).split(':');
  const map: Record<string, string> = { no: 'no', always: 'always', 'unless-stopped': 'always', 'on-failure': 'on-failure' };
  if (!map[p]) {
    m.todo('restart', `${policy} is not a restart policy`);
    return;
  }
  m.set('service', { ...(m.props.service as object ?? {}), restart: map[p] });
  if (p === 'unless-stopped') m.note('IMPORT011', 'restart', 'unless-stopped is Restart=always: systemd does not restart a unit you stopped by hand either');
  if (max) {
    m.decl.entries.push(['Unit', 'StartLimitBurst', max]);
    m.note('IMPORT004', 'restart', `on-failure:${max} written as StartLimitBurst=${max}`);
  }
}

export function mapResources(m: ServiceMapper): void {
  const deploy = m.take('deploy') ?? {};
  const limits = deploy.resources?.limits ?? {};
  const reservations = deploy.resources?.reservations ?? {};
  const memory = m.take('mem_limit') ?? limits.memory;
  if (memory !== undefined) {
    if (keyUsable('Container', 'Memory', m.ctx.podmanVersion)) m.set('memory', String(memory));
    else m.hatch('mem_limit', [`--memory=${memory}`], `Memory= needs podman 5.5`);
  }
  const cpus = m.take('cpus') ?? limits.cpus;
  if (cpus !== undefined) m.hatch('cpus', [`--cpus=${cpus}`]);
  const pids = m.take('pids_limit') ?? limits.pids;
  if (pids !== undefined) m.set('pidsLimit', String(pids));
  const flags: Array<[string, string]> = [['memswap_limit', '--memory-swap'], ['mem_reservation', '--memory-reservation'], ['cpu_shares', '--cpu-shares'], ['cpu_quota', '--cpu-quota'], ['cpu_period', '--cpu-period'], ['cpuset', '--cpuset-cpus'], ['oom_score_adj', '--oom-score-adj'], ['mem_swappiness', '--memory-swappiness'], ['cpu_rt_runtime', '--cpu-rt-runtime'], ['cpu_rt_period', '--cpu-rt-period']];
  for (const [field, flag] of flags) {
    const v = m.take(field);
    if (v !== undefined) m.hatch(field, [`${flag}=${v}`]);
  }
  if (m.take('oom_kill_disable') === true) m.hatch('oom_kill_disable', ['--oom-kill-disable']);
  if (reservations.memory !== undefined) m.hatch('deploy.resources.reservations.memory', [`--memory-reservation=${reservations.memory}`]);
  if (reservations.cpus !== undefined) m.todo('deploy.resources.reservations.cpus', 'podman reserves no CPU share by amount; use cpu_shares');
  const devices: string[] = [];
  const gpus = m.take('gpus');
  const gpuReqs = [...(gpus === 'all' ? [{ driver: 'nvidia', count: 'all' }] : list(gpus)), ...list(reservations.devices).filter((d: any) => list(d?.capabilities).includes('gpu') || d?.driver)];
  for (const d of gpuReqs) {
    const vendor = String(d?.driver ?? 'nvidia') === 'amd' ? 'amd.com/gpu' : 'nvidia.com/gpu';
    const ids = list(d?.device_ids).map(String);
    if (ids.length) ids.forEach((id) => devices.push(`${vendor}=${id}`));
    else if (d?.count === undefined || d?.count === 'all' || d?.count === -1) devices.push(`${vendor}=all`);
    else for (let i = 0; i < Number(d.count); i++) devices.push(`${vendor}=${i}`);
  }
  if (devices.length) m.note('IMPORT011', 'gpus', `GPU reservation mapped to CDI device(s) ${devices.join(', ')}: the host needs a CDI spec (nvidia-ctk cdi generate)`);
  for (const dev of list(m.take('devices'))) {
    if (typeof dev === 'string') devices.push(dev);
    else if (dev && dev.source) devices.push([dev.source, dev.target, dev.permissions].filter((x) => x !== undefined).join(':'));
  }
  if (devices.length) m.set('addDevice', devices);
  const replicas = deploy.replicas ?? m.take('scale');
  m.seen.add('scale');
  if (replicas !== undefined && Number(replicas) !== 1) m.todo('deploy.replicas', `${replicas} replicas: a unit runs one container; copy the construct for more`);
  for (const k of Object.keys(deploy)) {
    if (['resources', 'restart_policy', 'replicas'].includes(k)) continue;
    m.todo(`deploy.${k}`, 'swarm deployment setting with no single-host equivalent');
  }
  for (const k of Object.keys(limits)) if (!['memory', 'cpus', 'pids'].includes(k)) m.todo(`deploy.resources.limits.${k}`, 'no podman limit for it');
  for (const k of Object.keys(reservations)) if (!['memory', 'cpus', 'devices'].includes(k)) m.todo(`deploy.resources.reservations.${k}`, 'no podman reservation for it');
  if (deploy.restart_policy) {
    for (const k of Object.keys(deploy.restart_policy)) if (k !== 'condition') m.todo(`deploy.restart_policy.${k}`, 'set RestartSec / StartLimitBurst by hand');
  }
}

export function mapRuntimeOptions(m: ServiceMapper): void {
  const s = (field: string, prop: string, conv: (v: any) => Value = String) => {
    const v = m.take(field);
    if (v !== undefined && v !== null) m.set(prop, conv(v));
  };
  s('hostname', 'hostName');
  s('stop_signal', 'stopSignal');
  s('shm_size', 'shmSize');
  s('userns_mode', 'userNS');
  s('init', 'runInit', Boolean);
  s('read_only', 'readOnly', Boolean);
  s('cap_add', 'addCapability', (v) => list(v).map(String));
  s('cap_drop', 'dropCapability', (v) => list(v).map(String));
  s('dns', 'dns', (v) => list(v).map(String));
  s('dns_search', 'dnsSearch', (v) => list(v).map(String));
  s('dns_opt', 'dnsOption', (v) => list(v).map(String));
  s('group_add', 'groupAdd', (v) => list(v).map(String));
  s('labels', 'label', (v) => Object.fromEntries(Object.entries(keyValueMap(v)).map(([k, x]) => [k, x ?? ''])));
  s('annotations', 'annotation', (v) => Object.fromEntries(Object.entries(keyValueMap(v)).map(([k, x]) => [k, x ?? ''])));
  s('sysctls', 'sysctl', (v) => Object.entries(keyValueMap(v)).map(([k, x]) => `${k}=${x ?? ''}`));
  s('extra_hosts', 'addHost', (v) => (Array.isArray(v) ? v.map((h) => String(h).replace('=', ':')) : Object.entries(v).map(([k, x]) => `${k}:${x}`)));
  const name = m.take('container_name');
  if (typeof name === 'string') {
    m.set('containerName', name);
    m.note('IMPORT011', 'container_name', `the container is named ${name}; peers on its networks resolve that name (and the service name through no alias)`);
  } else if (isAllHex(unitOf(m.decl))) {
    // podman --replace reads an all-hex name as a container-ID prefix (NAME004): rename the
    // container and keep the service name as a network alias, so peers still resolve it.
    const renamed = `${m.ctx.composeName}-${unitOf(m.decl)}`;
    m.set('containerName', renamed);
    if (m.props.networkMode === undefined && m.props.networkOf === undefined && !m.decl.entries.some(([, k]) => k === 'Network')) {
      m.set('networkAlias', [...((m.props.networkAlias as string[]) ?? []), unitOf(m.decl)]);
    }
    m.note('IMPORT011', 'container_name', `"${unitOf(m.decl)}" is all hex digits, which podman takes for a container-ID prefix: the container is named ${renamed}, and ${unitOf(m.decl)} stays a network alias peers resolve`);
  }
  const grace = m.take('stop_grace_period');
  if (grace !== undefined) {
    const secs = durationSeconds(grace);
    if (secs === undefined) m.todo('stop_grace_period', `cannot read ${grace}`);
    else m.set('stopTimeout', String(secs));
  }
  const ulimits = m.take('ulimits');
  if (ulimits && typeof ulimits === 'object') {
    m.set('ulimit', Object.entries<any>(ulimits).map(([k, v]) => (typeof v === 'object' ? `${k}=${v.soft}:${v.hard}` : `${k}=${v}`)));
  }
  const logging = m.take('logging');
  if (logging?.driver) m.set('logDriver', String(logging.driver));
  if (logging?.options) m.set('logOpt', Object.entries(logging.options).map(([k, v]) => `${k}=${v}`));
  const secOpts: string[] = [];
  for (const o of list(m.take('security_opt')).map(String)) {
    if (o === 'label=disable' || o === 'label:disable') m.set('securityLabelDisable', true);
    else if (/^no-new-privileges(:true|=true)?$/.test(o)) m.set('noNewPrivileges', true);
    else if (/^seccomp[=:]/.test(o)) m.set('seccompProfile', o.slice(8));
    else secOpts.push(`--security-opt=${o}`);
  }
  if (secOpts.length) m.hatch('security_opt', secOpts);
  if (m.take('privileged') === true) m.hatch('privileged', ['--privileged'], 'review: the container gets every capability and device');
  const flags: Array<[string, string]> = [['pid', '--pid'], ['ipc', '--ipc'], ['uts', '--uts'], ['cgroup', '--cgroupns'], ['cgroup_parent', '--cgroup-parent'], ['mac_address', '--mac-address'], ['runtime', '--runtime'], ['platform', '--platform'], ['domainname', '--domainname']];
  for (const [field, flag] of flags) {
    const v = m.take(field);
    if (v !== undefined) m.hatch(field, [`${flag}=${v}`]);
  }
  const storage = m.take('storage_opt');
  if (storage) m.hatch('storage_opt', Object.entries(storage).map(([k, v]) => `--storage-opt=${k}=${v}`));
  const links = m.take('links');
  if (links !== undefined) m.note('IMPORT011', 'links', 'links are not needed: services on a shared network resolve each other by name');
}

export function mapSecretsAndConfigs(m: ServiceMapper): void {
  const secrets: Value[] = [];
  for (const s of list(m.take('secrets'))) {
    const src = typeof s === 'string' ? s : s?.source;
    const decl = m.ctx.secret(String(src));
    if (!decl) {
      m.todo('secrets', `${src} is not a top-level secret`);
      continue;
    }
    const mount: Record<string, Value> = { secret: new Ref(decl) };
    if (typeof s === 'object' && s.target) mount.target = String(s.target).startsWith('/') ? String(s.target) : `/run/secrets/${s.target}`;
    if (typeof s === 'object' && (s.uid !== undefined || s.gid !== undefined || s.mode !== undefined)) m.todo('secrets', `uid/gid/mode of ${src}: set them with a Secret= option by hand`);
    secrets.push(mount);
  }
  if (secrets.length) m.set('secrets', secrets);
  const mounts = (m.props.volumes as Value[] | undefined) ?? [];
  for (const c of list(m.take('configs'))) {
    const src = String(typeof c === 'string' ? c : c?.source);
    const cfg = m.ctx.config(src);
    if (!cfg || typeof cfg.file !== 'string') {
      m.todo('configs', `config ${src} is ${cfg?.content !== undefined ? 'inline content' : cfg?.environment ? 'from the environment' : cfg?.external ? 'external' : 'not defined'}: write it to a file and bind-mount it`);
      continue;
    }
    const target = typeof c === 'object' && c.target ? String(c.target) : `/${src}`;
    mounts.push({ hostPath: hostPathValue(cfg.file, m.ctx.homeDir), path: target, readOnly: true });
    m.note('IMPORT011', 'configs', `config ${src} is a read-only bind mount of ${cfg.file} at ${target}`);
  }
  if (mounts.length) m.set('volumes', mounts);
}
