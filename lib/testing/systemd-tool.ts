/** Wrappers around `systemd-analyze`: verify units, check calendar expressions (see `validators.ts`). */
import * as fs from 'fs';
import * as path from 'path';
import { quadletGenerate } from './quadlet-tool';
import { makeTempDir, resolveBin, run, writeTree } from './tools';

/** Options for {@link systemdVerify}. */
export interface SystemdVerifyOptions {
  /**
   * Rootless units: quadlet `-user` and `systemd-analyze --user`; default `true`.
   * @default true
   */
  rootless?: boolean;
  /**
   * Quadlet binary; default from {@link findValidators}.
   * @default - the one findValidators finds
   */
  quadletBin?: string;
  /**
   * Without `quadletBin`: generate with the generator of this podman release (see `quadletFor`).
   * @default - the one findValidators finds
   */
  podmanVersion?: string;
  /**
   * `systemd-analyze` binary; default from {@link findValidators}.
   * @default - the one findValidators finds
   */
  systemdAnalyzeBin?: string;
  /**
   * Ignore `Command /x is not executable: No such file or directory`
   * (default `true`): the units target another host, and binaries such as
   * `/usr/local/bin/backup.sh` do not exist on the test machine. Other
   * errors about the command (relative path, permission) still fail.
   * @default true
   */
  allowMissingExecutables?: boolean;
}

/** Result of {@link systemdVerify}. */
export interface SystemdVerifyResult {
  /** Generator succeeded and no unit printed anything that is not ignored. */
  ok: boolean;
  /** All findings: generator errors, name collisions, then each unit's lines. */
  output: string;
  /** Findings per verified unit file (relative path); `''` means clean. */
  perUnit: Record<string, string>;
  /** Lines dropped as benign (see {@link SystemdVerifyOptions.allowMissingExecutables}). */
  ignored: string[];
}

/** Unit types `systemd-analyze verify` understands. */
const UNIT_SUFFIX = /\.(service|socket|timer|target|path|mount|automount|swap|slice)$/;

/** Output line for a missing ExecStart binary (systemd 252 wording). */
const MISSING_EXECUTABLE = /^\S+: Command .+ is not executable: No such file or directory$/;

/**
 * Generates the quadlet files into a temp dir (as {@link quadletGenerate},
 * with `PODMAN=/bin/true` so the missing podman binary is not reported),
 * writes the plain units (`.service`, `.timer`, `.target`, drop-ins …)
 * beside them, then runs `systemd-analyze verify --man=no [--user] <unit>`
 * once per unit file.
 *
 * verify adds each given file's directory to the unit search path, so units
 * in the same dir (and their `*.wants/` dirs) resolve each other; a
 * `Requires=` on a unit that exists nowhere fails. Rootless mode uses
 * `--user`, which in systemd 252 needs `XDG_RUNTIME_DIR` (else "Failed to
 * initialize manager: No such device or address"); a private one is made in
 * the temp dir, and `HOME` points there too so the caller's
 * `~/.config/systemd/user` units stay out. No running manager is needed.
 *
 * Every line verify prints counts as a finding, because several real
 * mistakes only warn with exit code 0: `After=app.container` ("Failed to add
 * dependency on app.container, ignoring"), unknown keys, `%z` in a plain
 * `Environment=` ("Failed to resolve specifiers … ignoring").
 *
 * Not caught by systemd 252: a `.timer` whose `Unit=` (or implied service)
 * does not exist, and `[Install]` targets; check those in the library.
 *
 * @param quadletFiles quadlet files by relative path (may be empty).
 * @param plainUnits regular systemd units by relative path.
 */
export function systemdVerify(
  quadletFiles: Record<string, string>,
  plainUnits: Record<string, string>,
  opts: SystemdVerifyOptions = {},
): SystemdVerifyResult {
  const analyze = resolveBin('systemdAnalyze', opts.systemdAnalyzeBin);
  const rootless = opts.rootless !== false;
  const allowMissing = opts.allowMissingExecutables !== false;
  const findings: string[] = [];
  const perUnit: Record<string, string> = {};
  const ignored: string[] = [];
  let ok = true;

  const gen = Object.keys(quadletFiles).length > 0
    ? quadletGenerate(quadletFiles, { rootless, bin: opts.quadletBin, podmanVersion: opts.podmanVersion })
    : undefined;
  const tmp = gen ? path.dirname(gen.outDir) : makeTempDir();
  try {
    const outDir = gen ? gen.outDir : path.join(tmp, 'out');
    fs.mkdirSync(outDir, { recursive: true });
    if (gen && !gen.ok) {
      ok = false;
      findings.push(...gen.stderr.split('\n').filter((l) => l.includes('converting "')));
      if (gen.exitCode !== 0 && findings.length === 0) findings.push(`quadlet exited ${gen.exitCode}: ${gen.stderr.trim()}`);
    }
    for (const rel of Object.keys(plainUnits)) {
      if (fs.existsSync(path.join(outDir, rel))) {
        ok = false;
        findings.push(`${rel}: plain unit collides with a unit generated from the quadlet files`);
      }
    }
    writeTree(outDir, plainUnits);

    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.SYSTEMD_UNIT_PATH; // would add the caller's units to the search path
    if (rootless) {
      env.XDG_RUNTIME_DIR = path.join(tmp, 'runtime');
      env.HOME = path.join(tmp, 'home');
      fs.mkdirSync(env.XDG_RUNTIME_DIR, { mode: 0o700 });
      fs.mkdirSync(env.HOME);
    }
    for (const rel of listUnitFiles(outDir)) {
      const args = ['verify', '--man=no', ...(rootless ? ['--user'] : []), path.join(outDir, rel)];
      const res = run(analyze, args, { env, cwd: outDir });
      const lines = (res.stdout + res.stderr).split('\n').filter((l) => l.trim() !== '');
      const dropped = allowMissing ? lines.filter((l) => MISSING_EXECUTABLE.test(l)) : [];
      const kept = lines.filter((l) => !dropped.includes(l));
      ignored.push(...dropped);
      // A non-zero exit with nothing left but ignored lines was caused by them.
      const unitOk = kept.length === 0 && (res.status === 0 || dropped.length > 0);
      if (!unitOk && kept.length === 0) kept.push(`${rel}: systemd-analyze exited ${res.status ?? -1}`);
      perUnit[rel] = kept.join('\n');
      findings.push(...kept);
      ok &&= unitOk;
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return { ok, output: findings.join('\n'), perUnit, ignored };
}

/** Result of {@link systemdCalendar}. */
export interface SystemdCalendarResult {
  /** The expression parsed. */
  ok: boolean;
  /**
   * `Normalized form:` line, e.g. `*-*-* 03:00:00 Europe/Paris`.
   * @default - undefined when the expression is invalid
   */
  normalized?: string;
  /**
   * Next elapse times (UTC), one per iteration, e.g. `Sat 2026-11-28 02:00:00 UTC`.
   * @default - undefined when the expression is invalid
   */
  next?: string[];
  /** Raw stdout + stderr. */
  output: string;
}

/**
 * Checks an `OnCalendar=` expression with `systemd-analyze calendar`. Runs
 * with `TZ=UTC` so `next` does not depend on the machine's time zone (an
 * explicit zone in the expression, e.g. `Europe/Paris`, still applies).
 */
export function systemdCalendar(
  expr: string,
  opts: { iterations?: number; bin?: string } = {},
): SystemdCalendarResult {
  const bin = resolveBin('systemdAnalyze', opts.bin);
  const args = ['calendar', `--iterations=${opts.iterations ?? 1}`, '--', expr];
  const res = run(bin, args, { env: { ...process.env, TZ: 'UTC' } });
  const output = res.stdout + res.stderr;
  if (res.status !== 0) return { ok: false, output };
  const normalized = /^\s*Normalized form: (.*)$/m.exec(res.stdout)?.[1];
  const next = [...res.stdout.matchAll(/^\s*(?:Next elapse|Iter\. #\d+): (.*)$/gm)].map((m) => m[1]);
  return { ok: true, normalized, next, output };
}

/**
 * Unit files to verify under `dir`: regular files with a unit suffix, not
 * symlinks (aliases, `*.wants/` entries) and not drop-ins in `*.d/`.
 */
function listUnitFiles(dir: string, rel = ''): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const r = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory() && !/\.(d|wants|requires|upholds)$/.test(entry.name)) out.push(...listUnitFiles(dir, r));
    else if (entry.isFile() && UNIT_SUFFIX.test(entry.name)) out.push(r);
  }
  return out;
}
