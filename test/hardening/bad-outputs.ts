/**
 * A catalogue of output folders that synth must refuse to write, each with the OUTPUT code it
 * answers with. catalogue.test.ts checks every entry (an OutputError with the code, and nothing
 * in the folder changed) and renders them into docs/errors-catalogue.md.
 */
import * as fs from 'fs';
import * as path from 'path';
import { GeneratedFile, MANIFEST_FILE, sha256, writeOutput } from '../../lib';

export interface BadOutput {
  /** The code the write must fail with. */
  readonly code: string;
  /** What is wrong, in a few words. */
  readonly what: string;
  /** Makes the output folder `dir` bad; it already holds a synth's earlier output (PREVIOUS). */
  readonly prepare: (dir: string) => void;
}

/** What the previous synth wrote into every folder, and what the failing synth writes. */
export const PREVIOUS: GeneratedFile[] = [
  { path: '.config/containers/systemd/web.container', content: '[Container]\nImage=docker.io/library/nginx:1.27\n', constructPath: 'home/web' },
  { path: '.config/containers/systemd/db.container', content: '[Container]\nImage=docker.io/library/postgres:16.4\n', constructPath: 'home/db' },
];
export const NEXT: GeneratedFile[] = [PREVIOUS[0]];

const setManifest = (dir: string, files: unknown[]) =>
  fs.writeFileSync(path.join(dir, MANIFEST_FILE), JSON.stringify({ generator: 'quadlet-cdk', version: 1, files }));
const SHA = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export const BAD_OUTPUTS: BadOutput[] = [
  { code: 'OUTPUT001', what: 'a manifest (pulled from git) that lists a file outside the output folder', prepare: (dir) => {
    setManifest(dir, [{ path: '../.bashrc', sha256: SHA, construct: 'home/web' }]);
  } },
  { code: 'OUTPUT001', what: 'a manifest that lists a file under a symlinked folder', prepare: (dir) => {
    fs.symlinkSync('/etc', path.join(dir, 'etc'));
    setManifest(dir, [{ path: 'etc/hosts', sha256: SHA, construct: 'home/web' }]);
  } },
  { code: 'OUTPUT002', what: 'a manifest with a null entry and a path that is not a string', prepare: (dir) => {
    setManifest(dir, [null, { path: 5 }]);
  } },
  { code: 'OUTPUT002', what: 'a committed write whose staged manifest is empty', prepare: (dir) => {
    fs.mkdirSync(path.join(dir, '.quadlet-cdk-staging'));
    fs.writeFileSync(path.join(dir, '.quadlet-cdk-staging', 'manifest.next.json'), '');
  } },
  { code: 'OUTPUT003', what: 'a manifest that cannot be read (a folder in its place)', prepare: (dir) => {
    fs.rmSync(path.join(dir, MANIFEST_FILE));
    fs.mkdirSync(path.join(dir, MANIFEST_FILE));
  } },
  { code: 'OUTPUT004', what: 'another synth holds the output folder', prepare: (dir) => {
    fs.writeFileSync(path.join(dir, '.quadlet-cdk.lock'), '1 a-running-synth'); // pid 1 always runs
  } },
  { code: 'OUTPUT005', what: 'a user file where a generated file goes', prepare: (dir) => {
    fs.rmSync(path.join(dir, MANIFEST_FILE));
    fs.writeFileSync(path.join(dir, '.config/containers/systemd/web.container'), '[Container]\nImage=my-own-edit\n');
  } },
  { code: 'OUTPUT006', what: 'a committed write whose new folder is taken by a user file', prepare: (dir) => {
    // A synth died after its commit point; since then a file appeared where its new folder goes.
    fs.mkdirSync(path.join(dir, '.quadlet-cdk-staging/files/.config/site'), { recursive: true });
    fs.writeFileSync(path.join(dir, '.quadlet-cdk-staging/files/.config/site/web.env.tmpl'), 'A=1\n');
    const listed = JSON.parse(fs.readFileSync(path.join(dir, MANIFEST_FILE), 'utf8')).files;
    const next = [...listed, { path: '.config/site/web.env.tmpl', sha256: sha256('A=1\n'), construct: 'home/web-env' }];
    fs.writeFileSync(path.join(dir, '.quadlet-cdk-staging/manifest.next.json'), JSON.stringify({ generator: 'quadlet-cdk', version: 1, files: next }));
    fs.writeFileSync(path.join(dir, '.config/site'), 'a user file\n');
  } },
];

/** A fresh folder holding the previous output, made bad by `c`: the next `writeOutput(dir, NEXT)` must fail with `c.code`. */
export function prepareBadOutput(c: BadOutput, dir: string): void {
  writeOutput(dir, PREVIOUS);
  c.prepare(dir);
}
