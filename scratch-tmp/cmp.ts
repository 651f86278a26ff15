import { spawnSync } from 'child_process';
import { parseCalendar } from '../lib/systemd/calendar';
const exprs = require('fs').readFileSync('/tmp/cal/list.txt','utf8').split('\n').filter((l: string) => l !== '');
let bad = 0;
for (const e of exprs) {
  const r = spawnSync('systemd-analyze', ['calendar', '--', e], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
  const sys = r.status === 0 ? /Normalized form: (.*)/.exec(r.stdout)?.[1] : undefined;
  const mine = parseCalendar(e);
  const m = mine.ok ? mine.normalized : undefined;
  if (sys !== m) { bad++; console.log(JSON.stringify(e), 'systemd:', sys, 'mine:', m, mine.ok ? '' : mine.error); }
}
console.log('checked', exprs.length, 'mismatches', bad);
