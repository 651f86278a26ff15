/**
 * Generates lib/llm/schemas/validate.generated.ts: the LLM config schemas compiled ahead of time
 * with ajv's standalone code, so synth does not compile them on every start (about 60 ms).
 * Run: npx projen docs (a test checks the file is current).
 */
import { writeFileSync } from 'fs';
import { join } from 'path';
import { generateLlmValidators } from '../lib/llm/schemas/standalone';

const target = join(__dirname, '..', 'lib', 'llm', 'schemas', 'validate.generated.ts');
writeFileSync(target, generateLlmValidators());
console.log(`wrote ${target}`);
