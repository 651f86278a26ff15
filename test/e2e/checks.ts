// Checks the real-run harness runs against examples/real-run and the reference site. Each throws
// a SiteFailure naming the units at fault and what was seen, so the report says what to look at.
import * as fs from 'fs';
import * as path from 'path';
import { CheckContext, Machine, readPodmanSecret, SiteCheck, SiteFailure, unitKey, unitKeys, unitStates, waitFor } from '../../lib/testing/machine';

/** GET http://127.0.0.1:80<path> with a Host header, from inside the machine. */
export function curlHost(m: Machine, host: string, urlPath = '/', timeoutS = 10): { code: number; body: string; error?: string } {
  const r = m.root(['curl', '-sS', '-m', String(timeoutS), '-H', `Host: ${host}`, '-w', '\n%{http_code}', `http://127.0.0.1:80${urlPath}`]);
  const lines = r.stdout.split('\n');
  const code = Number(lines.pop());
  return { code: Number.isFinite(code) ? code : 0, body: lines.join('\n').trim(), error: r.status === 0 ? undefined : r.stderr.trim() };
}

function serviceOf(ctx: CheckContext, containerName: string): string {
  return ctx.site.units.find((u) => u.containerName === containerName)?.unit ?? `${containerName}.service`;
}

/** Each host name is answered by the app named after it; any other host gets Caddy's 404. */
export function routesByHost(routes: Record<string, string>, proxy = 'caddy'): SiteCheck {
  return {
    name: `Caddy on 127.0.0.1:80 routes ${Object.keys(routes).join(', ')} by Host header`,
    run: (ctx) => {
      for (const [host, app] of Object.entries(routes)) {
        const r = curlHost(ctx.m, host);
        if (r.code !== 200 || r.body !== app) {
          throw new SiteFailure(`Caddy routes ${host}`, [
            { unit: serviceOf(ctx, proxy), cause: `Host: ${host} answered ${r.code} "${r.body.slice(0, 200)}"${r.error ? ` (${r.error})` : ''}, expected 200 "${app}"` },
            { unit: serviceOf(ctx, app), cause: `the app behind ${host}` },
          ]);
        }
      }
      const other = curlHost(ctx.m, 'nobody.invalid');
      if (other.code !== 404) throw new SiteFailure('unknown host gets 404', [{ unit: serviceOf(ctx, proxy), cause: `Host: nobody.invalid answered ${other.code}, expected 404` }]);
    },
  };
}

/** The app's /cgi-bin/check logs in to its database and pings its cache, by container name. */
export function appReachesBackends(host: string, app: string, expect: RegExp[]): SiteCheck {
  return {
    name: `${app} reaches its PostgreSQL and Valkey by name with its env file's credentials`,
    run: (ctx) => {
      // Long enough for a name lookup that fails (a broken site's check must see the whole answer).
      const r = curlHost(ctx.m, host, '/cgi-bin/check', 30);
      const missing = expect.filter((re) => !re.test(r.body));
      if (r.code !== 200 || missing.length) {
        throw new SiteFailure(`${app} reaches its backends`, [{ unit: serviceOf(ctx, app), cause: `its /cgi-bin/check said: ${r.body.replace(/\n/g, ' | ') || r.error} (expected ${missing.map(String).join(', ')})` }]);
      }
    },
  };
}

/** Runs SQL in the database container over its local socket, as the database's own user. */
function sql(m: Machine, container: string, user: string, db: string, query: string): { ok: boolean; out: string } {
  const r = m.user(['podman', 'exec', container, 'psql', '-h', '/var/run/postgresql', '-U', user, '-d', db, '-tAc', query], { timeoutMs: 30000 });
  return { ok: r.status === 0, out: (r.stdout + r.stderr).trim() };
}

/** A row written before `systemctl --user restart` of the database is there after it. */
export function dataSurvivesRestart(container: string, user: string, db: string): SiteCheck {
  return {
    name: `${container} keeps its data across systemctl --user restart`,
    run: (ctx) => {
      const unit = serviceOf(ctx, container);
      const token = `e2e-${Date.now()}`;
      const w = sql(ctx.m, container, user, db, `CREATE TABLE IF NOT EXISTS e2e_marks (v text); INSERT INTO e2e_marks VALUES ('${token}')`);
      if (!w.ok) throw new SiteFailure('write a row', [{ unit, cause: `psql could not write: ${w.out}` }]);
      const r = ctx.m.user(['systemctl', '--user', 'restart', unit], { timeoutMs: 120000 });
      if (r.status !== 0) throw new SiteFailure('restart the database', [{ unit, cause: `systemctl --user restart exited ${r.status}: ${r.stderr.trim()}` }]);
      const seen = waitFor(`${container} to answer again`, 60000, () => {
        const q = sql(ctx.m, container, user, db, 'SELECT v FROM e2e_marks');
        return q.ok ? q.out : undefined;
      });
      if (!seen.split('\n').includes(token)) throw new SiteFailure('data after restart', [{ unit, cause: `the row "${token}" written before the restart is gone (table holds: ${seen.slice(0, 200)})` }]);
    },
  };
}

/** `kill -9` of the container's main process: systemd restarts the unit and the app answers again. */
export function restartedAfterKill(container: string, host: string): SiteCheck {
  return {
    name: `kill -9 of ${container}'s main process is restarted by systemd`,
    run: (ctx) => {
      const unit = serviceOf(ctx, container);
      const pidOf = () => ctx.m.user(['podman', 'inspect', '-f', '{{.State.Pid}}', container]).stdout.trim();
      const before = unitStates(ctx.m, [unit]).get(unit)!.restarts;
      const pid = pidOf();
      if (!/^[1-9]\d*$/.test(pid)) throw new SiteFailure('find the main process', [{ unit, cause: `podman inspect gave no PID ("${pid}")` }]);
      ctx.m.root(['kill', '-9', pid], { check: true });
      waitFor(`${unit} to be restarted after kill -9 (NRestarts > ${before})`, 30000, () => {
        const s = unitStates(ctx.m, [unit]).get(unit)!;
        return s.restarts > before && s.active === 'active' && pidOf() !== pid ? true : undefined;
      });
      const ok = waitFor(`${host} to answer after the restart`, 20000, () => (curlHost(ctx.m, host).code === 200 ? true : undefined));
      if (!ok) throw new SiteFailure('answer after restart', [{ unit, cause: 'does not answer after its restart' }]);
    },
  };
}

/** The timer's service, started by hand, leaves a non-empty file in a volume (containing `expect`). */
export function jobLeavesFile(service: string, volume: string, file: string, expect: string): SiteCheck {
  return {
    name: `${service}, started by hand, leaves ${file} in the ${volume} volume`,
    run: (ctx) => {
      const r = ctx.m.user(['systemctl', '--user', 'start', service], { timeoutMs: 120000 });
      if (r.status !== 0) throw new SiteFailure('start the job', [{ unit: service, cause: `systemctl --user start exited ${r.status}: ${r.stderr.trim()}` }]);
      const mp = ctx.m.user(['podman', 'volume', 'inspect', '-f', '{{.Mountpoint}}', volume]).stdout.trim();
      const c = ctx.m.user(['podman', 'unshare', 'cat', `${mp}/${file}`], { timeoutMs: 30000 });
      if (c.status !== 0 || !c.stdout.includes(expect)) {
        throw new SiteFailure('the job\'s output', [{ unit: service, cause: c.status !== 0 ? `no ${file} in ${volume}: ${c.stderr.trim()}` : `${file} does not contain "${expect}"` }]);
      }
    },
  };
}

/** `systemctl --user list-timers` lists the timer, and its next elapse is `hhmm` in `zone`. */
export function timerNextElapse(timer: string, hhmm: string, zone: string): SiteCheck {
  return {
    name: `${timer} is listed with its next elapse at ${hhmm} ${zone}`,
    run: (ctx) => {
      const list = ctx.m.user(['systemctl', '--user', 'list-timers', '--all', '--no-legend', '--plain']).stdout;
      if (!list.split('\n').some((l) => l.includes(timer))) throw new SiteFailure('timer listed', [{ unit: timer, cause: `not in systemctl --user list-timers:\n${list}` }]);
      const next = ctx.m.user(['env', `TZ=${zone}`, 'systemctl', '--user', 'show', '-P', 'NextElapseUSecRealtime', timer]).stdout.trim();
      if (!new RegExp(`\\b${hhmm}:00\\b`).test(next)) throw new SiteFailure('next elapse', [{ unit: timer, cause: `next elapse is "${next}" in ${zone}, expected ${hhmm}` }]);
    },
  };
}

/** A pull of an image nobody has fails at once (no registry, no DNS), not after a timeout. */
export function pullFailsFast(): SiteCheck {
  return {
    name: 'a pull fails within 5 s (no registry here)',
    run: (ctx) => {
      const t0 = Date.now();
      const r = ctx.m.user(['podman', 'pull', 'docker.io/library/nothing-here:1'], { timeoutMs: 30000 });
      const s = (Date.now() - t0) / 1000;
      if (r.status === 0 || s > 5) throw new SiteFailure('pull fails fast', [{ unit: 'podman pull', cause: r.status === 0 ? 'the pull succeeded: a registry is reachable' : `the pull took ${s.toFixed(1)} s to fail` }]);
    },
  };
}

/** Every bind mount and volume named in a container unit exists inside its running container. */
export function mountsExist(): SiteCheck {
  return {
    name: 'every mount named in the units exists inside its container',
    run: (ctx) => {
      // One user command for all containers: `podman exec` through systemd-run costs a second or two each here.
      const lines = ctx.site.units.filter((u) => u.kind === 'container').flatMap((u) => {
        const dests = unitKeys(u.text, 'Volume').map((v) => v.split(':')[1]).filter((d): d is string => !!d && d.startsWith('/'));
        // busybox's own sh: in the stay-up stand-in, `sh` is the stand-in (every command succeeds).
        return dests.length ? [`podman exec ${q(u.containerName!)} /bin/busybox sh -c 'for d; do [ -e "$d" ] || echo "${u.unit} $d"; done' sh ${dests.map(q).join(' ')} || echo "${u.unit} (podman exec failed)"`] : [];
      });
      const r = ctx.m.userSh(lines.join('\n'), { timeoutMs: 120000 });
      const problems = new Map<string, string[]>();
      for (const line of r.stdout.trim().split('\n').filter(Boolean)) {
        const [unit, ...rest] = line.split(' ');
        problems.set(unit, [...(problems.get(unit) ?? []), rest.join(' ')]);
      }
      if (problems.size) throw new SiteFailure('mounts exist', [...problems].map(([unit, missing]) => ({ unit, cause: `missing inside the container: ${missing.join(', ')}` })));
    },
  };
}

/** Every container's Image= is what the container runs (the stand-in tags took effect). */
export function imagesAsNamed(): SiteCheck {
  return {
    name: 'every container runs the image its unit names',
    run: (ctx) => {
      const containers = ctx.site.units.filter((u) => u.kind === 'container');
      const r = ctx.m.user(['podman', 'inspect', '-f', '{{.Name}} {{.ImageName}}', ...containers.map((u) => u.containerName!)], { timeoutMs: 60000 });
      const running = new Map(r.stdout.trim().split('\n').map((l) => l.split(' ') as [string, string]));
      const problems = containers.flatMap((u) => {
        const want = unitKey(u.text, 'Image');
        const img = running.get(u.containerName!);
        return img === want ? [] : [{ unit: u.unit, cause: img ? `runs "${img}", its unit names "${want}"` : 'no such container' }];
      });
      if (problems.length) throw new SiteFailure('images', problems);
    },
  };
}

/** Single-quotes a word for sh. */
function q(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** `systemctl --user show` properties of one unit. */
function showUnit(m: Machine, unit: string, props: string[]): Record<string, string> {
  const r = m.user(['systemctl', '--user', 'show', `--property=${props.join(',')}`, '--', unit], { timeoutMs: 30000 });
  return Object.fromEntries(r.stdout.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

/**
 * `systemctl --user restart <dependency>` restarts it (its ActiveEnterTimestamp moves) but not
 * `wanter`, which only `Wants=` it (same ActiveEnterTimestamp and InvocationID), while each of
 * `requirers` (`Requires=`) is restarted with it: the strengths behave as docs/dependencies.md says.
 */
export function wantsDoesNotCascade(dependency: string, wanter: string, requirers: string[] = []): SiteCheck {
  return {
    name: `restarting ${dependency} leaves ${wanter} (wants) running${requirers.length ? ` and restarts ${requirers.join(', ')} (requires)` : ''}`,
    run: (ctx) => {
      const unit = (c: string) => serviceOf(ctx, c);
      const props = ['ActiveEnterTimestamp', 'InvocationID', 'ActiveState'];
      const w = ctx.site.units.find((u) => u.unit === unit(wanter));
      if (!w || !unitKeys(w.text, 'Wants').some((v) => v.split(/\s+/).includes(unit(dependency)))) {
        throw new SiteFailure('the edge is wants', [{ unit: unit(wanter), cause: `its unit has no Wants=${unit(dependency)}` }]);
      }
      const before = new Map([dependency, wanter, ...requirers].map((c) => [c, showUnit(ctx.m, unit(c), props)]));
      const r = ctx.m.user(['systemctl', '--user', 'restart', unit(dependency)], { timeoutMs: 180000 });
      if (r.status !== 0) throw new SiteFailure('restart', [{ unit: unit(dependency), cause: `systemctl --user restart exited ${r.status}: ${r.stderr.trim()}` }]);
      for (const c of requirers) {
        waitFor(`${unit(c)} to be active again`, 120000, () => (showUnit(ctx.m, unit(c), ['ActiveState']).ActiveState === 'active' ? true : undefined));
      }
      const after = new Map([dependency, wanter, ...requirers].map((c) => [c, showUnit(ctx.m, unit(c), props)]));
      const moved = (c: string) => before.get(c)!.InvocationID !== after.get(c)!.InvocationID;
      const problems = [
        ...(moved(dependency) ? [] : [{ unit: unit(dependency), cause: `was not restarted (ActiveEnterTimestamp still ${after.get(dependency)!.ActiveEnterTimestamp})` }]),
        ...(moved(wanter) || after.get(wanter)!.ActiveState !== 'active'
          ? [{ unit: unit(wanter), cause: `was restarted or stopped with ${unit(dependency)} although it only wants it (ActiveEnterTimestamp ${before.get(wanter)!.ActiveEnterTimestamp} -> ${after.get(wanter)!.ActiveEnterTimestamp}, ${after.get(wanter)!.ActiveState})` }]
          : []),
        ...requirers.filter((c) => !moved(c)).map((c) => ({ unit: unit(c), cause: `requires ${unit(dependency)} but was not restarted with it` })),
      ];
      if (problems.length) throw new SiteFailure('restart cascade', problems);
    },
  };
}

/**
 * `app` (which depends on `db` with `ready: 'healthy'`) began starting only after `db`'s health
 * check first passed: its InactiveExitTimestamp is after the first `healthy` health_status event
 * podman recorded for the database's container since the target started.
 */
export function startsAfterHealthy(app: string, db: string): SiteCheck {
  return {
    name: `${app} starts only after ${db}'s health check first passed`,
    run: (ctx) => {
      const appUnit = serviceOf(ctx, app);
      const dbUnit = serviceOf(ctx, db);
      const u = ctx.site.units.find((x) => x.unit === dbUnit);
      if (!u || !/^Notify=healthy$/m.test(u.text)) throw new SiteFailure('readiness', [{ unit: dbUnit, cause: 'its unit has no Notify=healthy' }]);
      const usec = (unit: string, p: string) => Number(ctx.m.user(['systemctl', '--user', 'show', '-P', p, '--', unit]).stdout.trim());
      // Monotonic microseconds: no clock skew between podman's events and systemd's timestamps.
      const dbStarted = usec(dbUnit, 'InactiveExitTimestampMonotonic');
      const appStarted = usec(appUnit, 'InactiveExitTimestampMonotonic');
      const ev = ctx.m.user(['podman', 'events', '--stream=false', '--since', '30m', '--filter', `container=${db}`, '--filter', 'event=health_status', '--format', '{{.TimeNano}} {{.HealthStatus}}'], { timeoutMs: 60000 });
      const healthy = ev.stdout.trim().split('\n').map((l) => l.split(' ')).filter(([, s]) => s === 'healthy').map(([t]) => Number(t) / 1e3);
      // The monotonic clock of both: now, seen by the machine, converts podman's wall-clock times.
      const clocks = ctx.m.root(['sh', '-c', 'cat /proc/uptime; date +%s%6N']).stdout.trim().split('\n');
      const offset = Number(clocks[1]) - Number(clocks[0].split(' ')[0]) * 1e6;
      const firstHealthy = healthy.map((t) => t - offset).filter((t) => t >= dbStarted).sort((a, b) => a - b)[0];
      if (firstHealthy === undefined) throw new SiteFailure('readiness', [{ unit: dbUnit, cause: `podman recorded no healthy health_status for ${db} since it started (${ev.stdout.trim() || ev.stderr.trim() || 'no events'})` }]);
      if (appStarted < firstHealthy) {
        throw new SiteFailure('readiness', [{ unit: appUnit, cause: `began starting ${((firstHealthy - appStarted) / 1e6).toFixed(2)} s before ${db}'s health check first passed` }]);
      }
    },
  };
}

/**
 * The app reads its database password from the one podman secret: the value (read back from
 * podman) appears in none of the site's generated files, and on the whole machine, in plain text
 * or base64, in exactly one file besides podman's own per-container state: podman's secret store.
 * Podman also copies an env secret into the OCI spec (`config.json`) of each container that reads
 * it, for as long as the container exists; those copies must belong to the secret's consumers
 * and are named in the check's progress line.
 */
export function secretInOneFile(secretName: string, outDir: string, log: (line: string) => void = () => undefined): SiteCheck {
  return {
    name: `the value of podman secret ${secretName} is in no generated file and in one file on the host (podman's store)`,
    run: (ctx) => {
      const value = readPodmanSecret(ctx.m, secretName);
      if (!value) throw new SiteFailure('read the secret', [{ unit: `${ctx.site.name}-secrets.service`, cause: `podman secret ${secretName} does not exist` }]);
      const forms = [value, Buffer.from(value).toString('base64')];
      const generated = walkFiles(outDir).filter((f) => forms.some((v) => fs.readFileSync(f).includes(v)));
      // The value goes in on standard input, so no process's arguments carry it.
      const r = ctx.m.root(['grep', '-rlsF', '--exclude-dir=proc', '--exclude-dir=sys', '--exclude-dir=dev', '-f', '-', '/'], { input: `${forms.join('\n')}\n`, timeoutMs: 300000 });
      const found = r.stdout.trim().split('\n').filter(Boolean);
      const perContainer = /\/(?:overlay-containers|crun)\/([0-9a-f]{64})\/(?:userdata\/)?config\.json$/;
      const copies = found.filter((f) => perContainer.test(f));
      const others = found.filter((f) => !perContainer.test(f));
      // Which containers hold a copy, and do their units read this secret?
      const ids = new Map(ctx.m.user(['podman', 'ps', '-a', '--no-trunc', '--format', '{{.ID}} {{.Names}}']).stdout.trim().split('\n').map((l) => l.split(' ') as [string, string]));
      const readers = new Set(ctx.site.units.filter((u) => unitKeys(u.text, 'Secret').some((v) => v.split(',')[0] === secretName)).map((u) => u.containerName));
      const strangers = copies.filter((f) => !readers.has(ids.get(perContainer.exec(f)![1])));
      if (generated.length || others.length !== 1 || !/\/secrets\/filedriver\/secretsdata\.json$/.test(others[0]) || strangers.length) {
        throw new SiteFailure('one place', [{
          unit: `${ctx.site.name}-secrets.service`,
          cause: `generated files holding the value: ${generated.join(', ') || 'none'}; files on the host other than per-container copies: ${others.join(', ') || 'none'}` +
            `${strangers.length ? `; copies in containers that do not read the secret: ${strangers.join(', ')}` : ''}`,
        }]);
      }
      const holders = [...new Set(copies.map((f) => ids.get(perContainer.exec(f)![1])))].sort();
      log(`      ${others[0]}; podman's copies in the OCI spec of its readers: ${holders.join(', ')}`);
    },
  };
}

function walkFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walkFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}
