/** `npx projen docs`: regenerates the generated parts of docs/ (a test checks they are current). */
import * as fs from 'fs';
import * as path from 'path';
import '..';
import { renderDiagnosticsDoc } from '../render/diagnostics-doc';

const root = path.join(__dirname, '..', '..');
fs.mkdirSync(path.join(root, 'docs'), { recursive: true });
fs.writeFileSync(path.join(root, 'docs', 'diagnostics.md'), renderDiagnosticsDoc());
console.log('wrote docs/diagnostics.md');
