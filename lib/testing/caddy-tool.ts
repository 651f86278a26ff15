/** Wrappers around `caddy validate` and `caddy adapt` (see `validators.ts`). */
import * as path from 'path';
import { resolveBin, run, RunResult, withTempDir, writeTree } from './tools';

/** Result of {@link caddyValidate}. */
export interface CaddyResult {
  /** `caddy` exited 0. */
  ok: boolean;
  /** Raw stdout + stderr (stderr carries JSON log lines and `Error: …`). */
  output: string;
}

/** Result of {@link caddyAdapt}. */
export interface CaddyAdaptResult extends CaddyResult {
  /**
   * The adapted JSON config, when `ok`.
   * @default - undefined when caddy failed
   */
  config?: any;
}

/**
 * `caddy validate --adapter caddyfile --config <tmp>/<mainFile>` on a file
 * tree (e.g. `Caddyfile` + `routes/web.caddy`), run with the tree as cwd so
 * relative imports resolve. Note that a valid result is not proof of intent:
 * a stray `reverse_proxy x:80` line outside a site block is read as two site
 * addresses and validates; check the {@link caddyAdapt} JSON as well.
 */
export function caddyValidate(
  files: Record<string, string>,
  mainFile = 'Caddyfile',
  opts: { bin?: string } = {},
): CaddyResult {
  const bin = resolveBin('caddy', opts.bin);
  return withTempDir((tmp) => {
    const res = runCaddy(bin, tmp, files, ['validate', '--adapter', 'caddyfile', '--config', path.join(tmp, 'site', mainFile)]);
    return { ok: res.status === 0, output: res.stdout + res.stderr };
  });
}

/**
 * `caddy adapt --adapter caddyfile --config <tmp>/<mainFile>`; returns the
 * parsed JSON config (stdout) plus ok/output (output is stderr only: log
 * lines, warnings such as "input is not formatted", `Error: …`).
 */
export function caddyAdapt(
  files: Record<string, string>,
  mainFile = 'Caddyfile',
  opts: { bin?: string } = {},
): CaddyAdaptResult {
  const bin = resolveBin('caddy', opts.bin);
  return withTempDir((tmp) => {
    const res = runCaddy(bin, tmp, files, ['adapt', '--adapter', 'caddyfile', '--config', path.join(tmp, 'site', mainFile)]);
    if (res.status !== 0) return { ok: false, output: res.stderr };
    return { ok: true, output: res.stderr, config: JSON.parse(res.stdout) };
  });
}

/** Writes the site tree under `<tmp>/site` and runs caddy there with a private HOME. */
function runCaddy(bin: string, tmp: string, files: Record<string, string>, args: string[]): RunResult {
  const site = path.join(tmp, 'site');
  writeTree(site, files);
  // caddy writes its PKI/storage (XDG_DATA_HOME) and a smallstep `.step`
  // dir (HOME) while provisioning, e.g. for `tls internal`; keep them in tmp.
  const home = path.join(tmp, 'home');
  const env = {
    ...process.env,
    HOME: home,
    XDG_DATA_HOME: path.join(home, '.local', 'share'),
    XDG_CONFIG_HOME: path.join(home, '.config'),
  };
  return run(bin, args, { env, cwd: site });
}
