import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CliIo } from '../../lib/cli/command';
import { runCli } from '../../lib/cli/registry';

export const ROOT = path.join(__dirname, '..', '..');
export const BIN = path.join(ROOT, 'bin', 'quadlet-cdk');
/** The library, as an app in a scratch folder imports it. */
export const LIB = JSON.stringify(path.join(ROOT, 'lib'));

/** What one in-process `quadlet-cdk` run printed and returned. */
export interface CliRun { readonly code: number; readonly stdout: string; readonly stderr: string }

/** Runs `quadlet-cdk <argv>` in this process, in `cwd`, capturing its output. */
export async function cli(argv: string[], cwd = ROOT): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; }, cwd };
  const code = await runCli(argv, io);
  return { code, stdout, stderr };
}

/** Runs the real bin (bin/quadlet-cdk) in a child process. */
export function bin(argv: string[], cwd = ROOT): CliRun {
  const r = spawnSync(process.execPath, [BIN, ...argv], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Starts the bin in the background; `output()` is what it printed so far. */
export function startBin(argv: string[], cwd: string) {
  const child = spawn(process.execPath, [BIN, ...argv], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => out };
}

/** Resolves once `test` holds, polling; rejects after `ms`. */
export async function until(test: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A scratch folder with an apps/ folder; `write` adds an app to it. */
export function scratch(): { dir: string; write: (name: string, body: string) => string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'quadlet-cdk-cli-'));
  fs.mkdirSync(path.join(dir, 'apps'));
  return {
    dir,
    write: (name, body) => {
      const file = path.join(dir, 'apps', name);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, body);
      return file;
    },
    cleanup: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** An app with one site and `n` containers, exported as `default (app) => void`. */
export function siteApp(name: string, containers: string[], opts: { image?: string; digestPolicy?: 'warn' } = {}): string {
  const site = opts.digestPolicy ? `new Site(app, '${name}', { digestPolicy: 'warn' })` : `new Site(app, '${name}')`;
  return `import { App, Container, Site } from ${LIB};
export default (app: App) => {
  const site = ${site};
${containers.map((c) => `  new Container(site, '${c}', { image: '${opts.image ?? 'docker.io/library/nginx:1.27'}', networkMode: 'none' });`).join('\n')}
};
`;
}
