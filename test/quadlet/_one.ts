import { runCase } from './corpus-run';
for (const f of process.argv.slice(2)) { const r = runCase(f); console.log(f, r.outcome, r.podman, r.codes ?? '', r.adjusted, '\n', r.why ?? ''); }
