/**
 * Helpers for testing sites and constructs, and the real validators (`quadlet-cdk/build/testing`).
 * @module quadlet-cdk/build/testing
 */
import * as fs from 'fs';
import * as path from 'path';
import { App, SynthOutput } from '../core/app';
import { Diagnostic } from '../core/diagnostics';
import { Site, SiteProps } from '../core/site';
import { updateRequested } from './update';

export * from './validators';
export * from './systemd-exec';
export * from './expect-diagnostic';
export * from './update';

/** Helpers for testing sites and constructs: in-memory synth, diagnostics, golden files. */
export class Testing {
  /** An app (never written to disk by these helpers) with one site called `test`. */
  public static site(props: SiteProps = {}, id = 'test'): { app: App; site: Site } {
    const app = new App({ outdir: '/nonexistent/quadlet-cdk-testing' });
    const site = new Site(app, id, { outputDir: '', ...props });
    return { app, site };
  }

  /** Synthesize in memory: path -> content. Throws ValidationError on errors. */
  public static synth(app: App): Record<string, string> {
    return Testing.filesOf(app.synthFiles());
  }

  /** Every diagnostic, errors included, without throwing. */
  public static diagnostics(app: App): Diagnostic[] {
    return app.synthFiles({ allowErrors: true }).diagnostics;
  }

  /** The codes of every diagnostic, sorted. */
  public static codes(app: App): string[] {
    return Testing.diagnostics(app).map((d) => d.code).sort();
  }

  public static filesOf(out: SynthOutput): Record<string, string> {
    return Object.fromEntries(out.files.map((f) => [f.path, f.content]));
  }

  /**
   * The line after each `# secret:` marker of every env template (`*.env.tmpl`): the entries a
   * user fills in. Callers assert each is `NAME=` (empty) and that there are as many as expected,
   * so a template that lost its markers cannot pass by having none.
   */
  public static secretEntries(files: Record<string, string>): Array<{ file: string; line: string }> {
    return Object.entries(files).filter(([p]) => p.endsWith('.env.tmpl')).flatMap(([file, text]) => {
      const lines = text.split('\n');
      return lines.flatMap((line, i) => (lines[i - 1]?.startsWith('# secret:') ? [{ file, line }] : []));
    });
  }

  /** Files under one output area folder, keyed by their name inside it. */
  public static area(files: Record<string, string>, prefix: string): Record<string, string> {
    const p = prefix.endsWith('/') ? prefix : `${prefix}/`;
    return Object.fromEntries(Object.entries(files).filter(([k]) => k.startsWith(p)).map(([k, v]) => [k.slice(p.length), v]));
  }

  /**
   * Compare `files` with the golden tree in `dir`. UPDATE_GOLDEN=1 rewrites it (refused under CI,
   * see {@link updateRequested}). Returns the list of differences (empty when equal) so the
   * caller's assertion shows them.
   */
  public static golden(files: Record<string, string>, dir: string): string[] {
    if (updateRequested('UPDATE_GOLDEN')) {
      fs.rmSync(dir, { recursive: true, force: true });
      for (const [p, c] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
        fs.writeFileSync(path.join(dir, p), c);
      }
      return [];
    }
    const problems: string[] = [];
    const onDisk = fs.existsSync(dir) ? listFiles(dir) : [];
    for (const p of onDisk) if (!(p in files)) problems.push(`${p}: in the golden tree but no longer generated`);
    for (const [p, c] of Object.entries(files)) {
      const file = path.join(dir, p);
      if (!fs.existsSync(file)) problems.push(`${p}: generated but not in the golden tree (run with UPDATE_GOLDEN=1)`);
      else if (fs.readFileSync(file, 'utf8') !== c) problems.push(`${p}: differs from the golden file\n${firstDiff(fs.readFileSync(file, 'utf8'), c)}`);
    }
    return problems;
  }
}

function listFiles(dir: string, base = ''): string[] {
  return fs.readdirSync(path.join(dir, base), { withFileTypes: true }).flatMap((e) => {
    const rel = base ? `${base}/${e.name}` : e.name;
    return e.isDirectory() ? listFiles(dir, rel) : [rel];
  });
}

function firstDiff(a: string, b: string): string {
  const x = a.split('\n');
  const y = b.split('\n');
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    if (x[i] !== y[i]) return `  line ${i + 1}:\n  - ${x[i] ?? '(none)'}\n  + ${y[i] ?? '(none)'}`;
  }
  return '';
}
