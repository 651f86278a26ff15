/**
 * Generates lib/quadlet/keys.generated.ts from lib/quadlet/key-table.json: one typed props interface
 * per quadlet section and the prop-name -> key-name table that the encoder walks.
 * Run: npx ts-node --transpileOnly scripts/gen-quadlet-props.ts   (a test checks it is current)
 */
import { writeFileSync } from 'fs';
import { join } from 'path';
import { generateQuadletProps } from '../lib/quadlet/codegen';

const target = join(__dirname, '..', 'lib', 'quadlet', 'keys.generated.ts');
writeFileSync(target, generateQuadletProps());
console.log(`wrote ${target}`);
