// Checks the real-run harness runs against examples/real-run and the reference site. Each throws
// a SiteFailure naming the units at fault and what was seen, so the report says what to look at.
import { CheckContext, Machine, SiteCheck, SiteFailure, unitKey, unitKeys, unitStates, waitFor } from '../../lib/testing/machine';

/** GET http://127.0.0.1:80<path> with a Host header, from inside the machine. */
export function curlHost(m: Machine, host: string, urlPath = '/'): { code: number; body: string; error?: string } {
  const r = m.root(['curl', '-sS', '-m', '10', '-H', `Host: ${host}`, '-w', '\n%{http_code}', `http://127.0.0.1:80${urlPath}`]);
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
      const r = curlHost(ctx.m, host, '/cgi-bin/check');
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
        return dests.length ? [`podman exec ${q(u.containerName!)} sh -c 'for d; do [ -e "$d" ] || echo "${u.unit} $d"; done' sh ${dests.map(q).join(' ')} || echo "${u.unit} (podman exec failed)"`] : [];
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
