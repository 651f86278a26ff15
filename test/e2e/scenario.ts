// What the one-machine scenarios (templates.ts, bundles.ts) share: progress lines, named checks
// that count failures, a work folder, and a machine that is always stopped.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { canBootMachines, Machine, MachineOptions } from '../../lib/testing/machine';

/** What a scenario's body gets. */
export interface Scenario {
  /** A progress line, with the seconds since the start. */
  readonly say: (line: string) => void;
  /** Records one check: `ok` prints it, a failure prints `detail` and fails the run. */
  readonly check: (what: string, ok: boolean, detail: string) => void;
  /** A throw-away folder for synthesized sites (kept with `--keep-work`). */
  readonly work: string;
  /** Boots the scenario's machine; it is stopped when the scenario ends, however it ends. */
  readonly boot: (options: Omit<MachineOptions, 'log'>) => Machine;
}

/**
 * Runs a scenario and returns its exit code: 1 when the host cannot boot machines, when a check
 * failed or when the body threw (then with the machine's last journal lines).
 */
export function runScenario(name: string, argv: string[], passed: string, body: (s: Scenario) => void): number {
  const t0 = Date.now();
  const say = (line: string) => console.log(`e2e-${name}: [${Math.round((Date.now() - t0) / 1000)} s] ${line}`);
  const can = canBootMachines();
  if (!can.ok) {
    console.error(`e2e-${name}: cannot run here: ${can.why}`);
    return 1;
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `quadlet-cdk-e2e-${name}-`));
  let machine: Machine | undefined;
  let failures = 0;
  let checks = 0;
  const check = (what: string, ok: boolean, detail: string) => {
    checks++;
    say(`  ${ok ? 'ok ' : 'FAILED'} ${what}${ok ? '' : `: ${detail}`}`);
    if (!ok) failures++;
  };
  const boot = (options: Omit<MachineOptions, 'log'>) => (machine = Machine.boot({ ...options, log: say }));
  try {
    body({ say, check, work, boot });
  } catch (e) {
    console.error(`e2e-${name}: ${e instanceof Error ? e.message : e}`);
    if (machine) console.error(textOf(() => machine!.journal({ lines: 40 })));
    failures++;
  } finally {
    (machine as Machine | undefined)?.stop();
    if (!argv.includes('--keep-work')) fs.rmSync(work, { recursive: true, force: true });
  }
  say(failures ? `${failures} of ${checks} checks FAILED` : `${checks} checks passed: ${passed}`);
  return failures ? 1 : 0;
}

/** Every file under `dir`, as paths relative to it (`worker@a.container.d/20-a.conf`); none when it is missing. */
export function filesUnder(dir: string, rel = ''): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name), `${rel}${e.name}/`) : [`${rel}${e.name}`]));
}

/** True when `f` returns something other than undefined without throwing (a `waitFor` that may time out). */
export function succeeds(f: () => unknown): boolean {
  try {
    return f() !== undefined;
  } catch {
    return false;
  }
}

/** What `f` returns, or the error it threw as text. */
export function textOf(f: () => string): string {
  try {
    return f();
  } catch (e) {
    return String(e);
  }
}
