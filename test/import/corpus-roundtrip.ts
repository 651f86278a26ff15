/**
 * The round trip over podman's own quadlet test corpus (test/quadlet/corpus, see its README):
 * every file the quadlet generator accepts is imported with the units it references, the
 * generated site is run and synthesized, and the generator's rendering of the result is compared
 * with its rendering of the original (ExecStart argv equal; [Unit], [Service], [Install] entries
 * equal as sets, comments and SourcePath aside).
 */
import * as fs from 'fs';
import * as path from 'path';
import { importQuadlets } from '../../lib/import';
import { quadletDryRun } from '../../lib/testing/quadlet-tool';
import { diffServices, LIB, synthSiteFile } from './support';

export const CORPUS = path.join(__dirname, '..', 'quadlet', 'corpus');
const UNIT = /\.(container|volume|network|pod|image|build|kube|artifact)$/;

export interface CaseResult {
  readonly file: string;
  /** 'match', 'differs', 'not-accepted' (the generator refuses the original), 'failed' (import or synth). */
  readonly outcome: 'match' | 'differs' | 'not-accepted' | 'failed';
  /** Why it differs or failed: the differing entries, or the report's findings. */
  readonly cause?: string;
  readonly source?: string;
}

export function corpusFiles(): string[] {
  return fs.readdirSync(CORPUS).filter((f) => UNIT.test(f)).sort();
}

const SUFFIX: Record<string, string> = { container: '', kube: '', pod: '-pod', network: '-network', volume: '-volume', image: '-image', build: '-build', artifact: '-artifact' };
const serviceNameOf = (f: string) => f.replace(/\.(\w+)$/, (_m, ext: string) => `${SUFFIX[ext]}.service`);

/**
 * The corpus files `file` references by name, transitively, as podman's own test adds them; a
 * reference whose service would clash with one already in (basic.container and basic.kube both
 * make basic.service) is left out, as one folder cannot hold both.
 */
function withReferences(file: string, all: Set<string>): string[] {
  const out = new Set([file]);
  const services = new Set([serviceNameOf(file)]);
  const queue = [file];
  while (queue.length) {
    const f = queue.shift()!;
    const text = fs.readFileSync(path.join(CORPUS, f), 'utf8');
    for (const m of text.matchAll(/[A-Za-z0-9_.@-]+\.(?:container|volume|network|pod|image|build|kube|artifact)\b/g)) {
      if (all.has(m[0]) && !out.has(m[0]) && !services.has(serviceNameOf(m[0]))) {
        out.add(m[0]);
        services.add(serviceNameOf(m[0]));
        queue.push(m[0]);
      }
    }
  }
  return [...out];
}

function serviceOf(services: Record<string, string>, file: string): string | undefined {
  return Object.values(services).find((s) => new RegExp(`^SourcePath=.*/${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm').test(s));
}

export function roundTrip(file: string, dir: string, all: Set<string> = new Set(corpusFiles())): CaseResult {
  const names = withReferences(file, all);
  const inputs = names.map((n) => ({ path: n, text: fs.readFileSync(path.join(CORPUS, n), 'utf8') }));
  const original = quadletDryRun(Object.fromEntries(inputs.map((i) => [i.path, i.text])));
  const origService = serviceOf(original.services, file);
  if (original.stderr.includes(`converting "${file}"`) || !origService) return { file, outcome: 'not-accepted', cause: original.stderr.split('\n').find((l) => l.includes('converting')) };
  const result = importQuadlets(inputs, { libraryImport: LIB, siteName: 'corpus' });
  const review = result.report.findings.filter((f) => f.code === 'IMPORT007' || f.code === 'IMPORT012' || f.code === 'IMPORT003').map((f) => `${f.code} ${f.path}: ${f.message}`);
  const site = path.join(dir, `${file.replace(/[^A-Za-z0-9]/g, '_')}.ts`);
  fs.writeFileSync(site, result.source);
  let quadlets: Record<string, string>;
  try {
    quadlets = synthSiteFile(site).quadlets;
  } catch (e: any) {
    return { file, outcome: 'failed', cause: [`synth: ${String(e?.message ?? e).split('\n').slice(0, 4).join(' ')}`, ...review].join('\n'), source: site };
  }
  const again = quadletDryRun(quadlets);
  const ours = serviceOf(again.services, file);
  if (!ours) return { file, outcome: 'failed', cause: [`the generator refused the imported unit: ${again.stderr.split('\n').find((l) => l.includes('converting')) ?? 'no service'}`, ...review].join('\n'), source: site };
  const diff = diffServices(origService, ours);
  return diff.length ? { file, outcome: 'differs', cause: [...diff, ...review].join('\n'), source: site } : { file, outcome: 'match', source: site };
}
