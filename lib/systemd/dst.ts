import { CalendarComponent, CalendarSpec, parseCalendarSpec } from './calendar';

/**
 * Daylight-saving changes that hit a schedule: in a zone with summer time, a local time in the
 * spring-forward gap does not exist (systemd skips that day: `*-*-* 02:30 Europe/Paris` does not
 * run on the last Sunday of March) and a time in the autumn overlap happens twice (systemd runs
 * once, at the first). Checked against `systemd-analyze calendar` in the tests.
 */
export interface DstConflict {
  /** `gap`: the local time does not exist that day; `overlap`: it happens twice. */
  readonly kind: 'gap' | 'overlap';
  /** The local date, YYYY-MM-DD. */
  readonly date: string;
  /** The wall-clock span that is skipped or repeated, e.g. `02:00-03:00`. */
  readonly span: string;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/** The zone's UTC offset at `t`, in minutes. */
function offsetAt(zone: string, t: number): number {
  let f = offsetFormats.get(zone);
  if (!f) offsetFormats.set(zone, (f = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })));
  const name = f.formatToParts(new Date(t)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
}

const DAY = 24 * HOUR;

/** One change of a zone's UTC offset: the first minute of the new offset, and the offsets around it. */
interface OffsetChange {
  readonly change: number;
  readonly before: number;
  readonly after: number;
}

const changesCache = new Map<string, OffsetChange[]>();

/**
 * The offset changes of `zone` in (start, end], found day by day and then to the minute by
 * bisection (a zone changes its offset at most once a day): about 400 offset lookups a year
 * instead of one an hour. Memoized, since every timer of a synth asks for the same window.
 */
function offsetChanges(zone: string, start: number, end: number): OffsetChange[] {
  const key = `${zone}\0${start}\0${end}`;
  const known = changesCache.get(key);
  if (known) return known;
  const out: OffsetChange[] = [];
  let lo = start;
  let before = offsetAt(zone, lo);
  while (lo < end) {
    const next = Math.min(lo + DAY, end);
    const after = offsetAt(zone, next);
    if (after !== before) {
      // The offset is `before` at a and `after` at b: halve to the first minute of `after`.
      let a = lo;
      let b = next;
      while (b - a > MINUTE) {
        const mid = a + Math.floor((b - a) / 2 / MINUTE) * MINUTE;
        if (offsetAt(zone, mid) === before) a = mid;
        else b = mid;
      }
      out.push({ change: b, before, after });
    }
    before = after;
    lo = next;
  }
  if (changesCache.size > 64) changesCache.clear();
  changesCache.set(key, out);
  return out;
}

function matches(list: CalendarComponent[] | undefined, v: number): boolean {
  if (!list) return true;
  return list.some((c) => {
    if (v < c.start) return false;
    if (c.repeat > 0) return (v - c.start) % c.repeat === 0 && (c.stop < 0 || v <= c.stop);
    return c.stop >= 0 ? v <= c.stop : v === c.start;
  });
}

/** Whether the schedule fires in the local minute given as a UTC-based wall-clock time. */
function firesAt(spec: CalendarSpec, wall: Date): boolean {
  const y = wall.getUTCFullYear();
  const mo = wall.getUTCMonth() + 1;
  const d = wall.getUTCDate();
  const monday0 = (wall.getUTCDay() + 6) % 7;
  if (spec.weekdays !== -1 && !(spec.weekdays & (1 << monday0))) return false;
  const mdays = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  const day = spec.endOfMonth ? mdays - d + 1 : d;
  return matches(spec.year, y) && matches(spec.month, mo) && matches(spec.day, day) && matches(spec.hour, wall.getUTCHours()) && matches(spec.minute, wall.getUTCMinutes());
}

const hhmm = (wall: Date) => wall.toISOString().slice(11, 16);

/**
 * The daylight-saving changes in [from, from + days) at which `expr` (with its time zone) falls
 * in a skipped or repeated hour. Empty for UTC, for expressions without a zone, and for
 * expressions systemd rejects. An expression limited to later years is checked over the first
 * of them instead (`2030-*-* 02:30 Europe/Paris` names the 2030 dates).
 */
export function dstConflicts(expr: string, from: Date, days = 366): DstConflict[] {
  const spec = parseCalendarSpec(expr);
  const zone = spec?.timeZone;
  if (!spec || !zone || spec.utc) return [];
  const out: DstConflict[] = [];
  const firstYear = spec.year?.length ? Math.min(...spec.year.map((c) => c.start)) : 0;
  const begin = firstYear > from.getUTCFullYear() ? Date.UTC(firstYear, 0, 1) : from.getTime();
  const start = Math.floor(begin / HOUR) * HOUR;
  for (const { change, before, after } of offsetChanges(zone, start, start + days * DAY - HOUR)) {
    const [lo, hi] = after > before ? [before, after] : [after, before];
    const first = new Date(change + lo * MINUTE);
    const end = new Date(change + hi * MINUTE);
    for (let w = first.getTime(); w < end.getTime(); w += MINUTE) {
      if (firesAt(spec, new Date(w))) {
        out.push({ kind: after > before ? 'gap' : 'overlap', date: first.toISOString().slice(0, 10), span: `${hhmm(first)}-${hhmm(end)}` });
        break;
      }
    }
  }
  return out;
}
