/**
 * Imports every compose project of test/import/compose (real files, see its README) and every
 * synthetic case, writes each generated site, and checks it the way a user would use it: it runs
 * and synthesizes, and podman's quadlet generator accepts every unit.
 */
import * as fs from 'fs';
import * as path from 'path';
import { importCompose, ImportResult } from '../../lib/import';
import { quadletDryRun } from '../../lib/testing/quadlet-tool';
import { LIB, synthSiteFile } from './support';

export const COMPOSE_DIR = path.join(__dirname, 'compose');

/** Each project folder and its compose file (the one *.yml / *.yaml in it). */
export function composeProjects(): Array<{ name: string; file: string }> {
  return fs.readdirSync(COMPOSE_DIR, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => {
    const dir = path.join(COMPOSE_DIR, e.name);
    const file = fs.readdirSync(dir).filter((f) => /\.ya?ml$/.test(f)).sort()[0];
    return { name: e.name, file: path.join(dir, file) };
  }).sort((a, b) => (a.name < b.name ? -1 : 1));
}

export interface ComposeCheck {
  readonly result: ImportResult;
  readonly site: string;
  /** Problems: synth errors, or units the generator refused. */
  readonly problems: string[];
  readonly quadlets: Record<string, string>;
}

/** Imports `file`, writes the site to `outDir/<name>.ts`, synthesizes it and runs the generator. */
export function checkCompose(name: string, file: string, outDir: string, extra: Parameters<typeof importCompose>[1] = {}): ComposeCheck {
  const result = importCompose(fs.readFileSync(file, 'utf8'), { path: file, libraryImport: LIB, homeDir: '/home/test', ...extra });
  const site = path.join(outDir, `${name.replace(/[^A-Za-z0-9]/g, '_')}.ts`);
  fs.writeFileSync(site, result.source);
  const problems: string[] = [];
  let quadlets: Record<string, string> = {};
  try {
    quadlets = synthSiteFile(site).quadlets;
  } catch (e: any) {
    problems.push(`synth: ${String(e?.message ?? e)}`);
    return { result, site, problems, quadlets };
  }
  const gen = quadletDryRun(quadlets);
  for (const line of gen.stderr.split('\n')) if (line.includes('converting "')) problems.push(`quadlet: ${line}`);
  const expected = Object.keys(quadlets).length;
  if (Object.keys(gen.services).length < expected) problems.push(`quadlet rendered ${Object.keys(gen.services).length} of ${expected} units`);
  return { result, site, problems, quadlets };
}
