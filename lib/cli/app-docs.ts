/**
 * Copies each reference app's generated site docs into the repo's docs/ folder, so the docs are
 * readable on the forge without running synth. A test checks the copies are current.
 * Usage (via `npx projen docs`): app-docs <app-file> <docs-file-in-output> <repo-docs-file>
 */
import * as fs from 'fs';
import * as path from 'path';
import { App } from '../core/app';

const [appFile, generated, target] = process.argv.slice(2);
const app = new App({ outdir: '/nonexistent' });
require(path.resolve(appFile)).default(app);
const file = app.synthFiles().files.find((f) => f.path === generated);
if (!file) throw new Error(`${appFile} generated no ${generated}`);
fs.writeFileSync(target, file.content);
console.log(`wrote ${target}`);
