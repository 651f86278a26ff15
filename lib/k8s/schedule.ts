import { parseCalendar } from '../systemd/calendar';

/** A systemd calendar expression as a CronJob schedule, or why cron cannot say it. */
export type CronResult =
  | { readonly ok: true; readonly schedule: string; readonly timeZone?: string }
  | { readonly ok: false; readonly error: string };

const WEEKDAYS: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 0 };

/**
 * Converts through systemd's normalized form (`Mon..Fri *-*-* 09:00:00 Europe/Paris`): five cron
 * fields (minute hour day month weekday) plus the zone for `spec.timeZone`. Seconds other than 0,
 * years, and `~` (days from the end of the month) have no cron form. Pure and total.
 */
export function toCron(expr: string): CronResult {
  const parsed = parseCalendar(expr);
  if (!parsed.ok) return { ok: false, error: parsed.error };
  const parts = parsed.normalized.split(' ');
  let weekdays = '*';
  if (/^[A-Z]/.test(parts[0])) weekdays = parts.shift()!;
  const [date, time] = parts;
  if (!date || !time) return { ok: false, error: `unexpected form ${parsed.normalized}` };
  if (date.includes('~')) return { ok: false, error: 'days counted from the end of the month (~) have no cron form' };
  const [year, month, day] = date.split('-');
  const [hour, minute, second] = time.split(':');
  if (year !== '*') return { ok: false, error: `the year (${year}) has no cron field` };
  if (second !== '00') return { ok: false, error: `seconds (${second}) have no cron field` };
  const fields: Array<[string, string, number]> = [[minute, 'minute', 59], [hour, 'hour', 23], [day, 'day', 31], [month, 'month', 12]];
  const out: string[] = [];
  for (const [value, what, max] of fields) {
    const f = cronField(value, max);
    if (f === undefined) return { ok: false, error: `the ${what} "${value}" has no cron form` };
    out.push(f);
  }
  const wd = weekdayField(weekdays);
  if (wd === undefined) return { ok: false, error: `the weekdays "${weekdays}" have no cron form` };
  out.push(wd);
  return { ok: true, schedule: out.join(' '), timeZone: parsed.timeZone };
}

/** `*`, `05`, `01,15`, `10..12`, `00/15` -> `*`, `5`, `1,15`, `10-12`, `0-59/15`. */
function cronField(value: string, max: number): string | undefined {
  if (value === '*') return '*';
  const items = value.split(',').map((item) => {
    const rep = /^(\d+)(?:\.\.(\d+))?(?:\/(\d+))?$/.exec(item);
    if (!rep) return undefined;
    const start = Number(rep[1]);
    const stop = rep[2] !== undefined ? Number(rep[2]) : undefined;
    const step = rep[3] !== undefined ? Number(rep[3]) : undefined;
    if (step !== undefined) return `${start}-${stop ?? max}/${step}`;
    return stop !== undefined ? `${start}-${stop}` : String(start);
  });
  return items.some((i) => i === undefined) ? undefined : items.join(',');
}

/** `Mon..Fri` -> `1-5`, `Sat,Sun` -> `6,0`, `Sat..Sun` -> `6,0` (systemd ranges only go forward, Mon to Sun). */
function weekdayField(value: string): string | undefined {
  if (value === '*') return '*';
  const items = value.split(',').map((item) => {
    const [a, b] = item.split('..');
    if (WEEKDAYS[a] === undefined || (b !== undefined && WEEKDAYS[b] === undefined)) return undefined;
    if (b === undefined) return String(WEEKDAYS[a]);
    if (WEEKDAYS[a] === 0) return '0';
    // Sunday is 0 in cron but last in systemd: a range ending on Sunday lists its days.
    if (WEEKDAYS[b] === 0) return [...Array(7 - WEEKDAYS[a]).keys()].map((i) => String(WEEKDAYS[a] + i)).concat('0').filter((d) => d !== '7').join(',');
    return `${WEEKDAYS[a]}-${WEEKDAYS[b]}`;
  });
  return items.some((i) => i === undefined) ? undefined : items.join(',');
}
