/**
 * systemd's `OnCalendar=` grammar (systemd.time(7)), re-implemented from
 * `src/shared/calendarspec.c` so that synth rejects what systemd would reject and prints the
 * same normalized form as `systemd-analyze calendar`. Tests compare both on a list of
 * expressions. Pure: no clock, no host time zone (a local zone abbreviation such as `CET` is
 * not recognised; name an IANA zone or UTC instead).
 */
import * as fs from 'fs';

/** What parsing an expression gives: systemd's normalized form, or why it is rejected. */
export type CalendarResult =
  | { readonly ok: true; readonly normalized: string; readonly timeZone?: string }
  | { readonly ok: false; readonly error: string };

/** One element of a component list: a value, a range `start..stop`, or a repetition `start/repeat`. */
export interface CalendarComponent {
  /** The first value. */
  start: number;
  /** The last value of a range (-1 for a single value). */
  stop: number;
  /** The step of a repetition (0 for none). */
  repeat: number;
}
type Component = CalendarComponent;
type Spec = CalendarSpec;

/** A parsed expression, normalized as systemd keeps it (absent lists match every value). */
export interface CalendarSpec {
  /** The weekdays it matches, as a bit set (bit 0 Monday); -1 once normalized to every day. */
  weekdays: number;
  /** The years it matches. @default - every year */
  year?: Component[];
  /** The months it matches. @default - every month */
  month?: Component[];
  /** The days of the month it matches. @default - every day */
  day?: Component[];
  /** The hours it matches. @default - every hour */
  hour?: Component[];
  /** The minutes it matches. @default - every minute */
  minute?: Component[];
  /** Seconds in microseconds, as systemd keeps them. @default - every second */
  usec?: Component[];
  /** Days count from the end of the month (`~`). */
  endOfMonth: boolean;
  /** The times are in UTC. */
  utc: boolean;
  /** The time zone the times are in. @default - the host's local time */
  timeZone?: string;
}

const USEC = 1_000_000;
const ALL_WEEKDAYS = 127;
const MAX_COMPONENTS = 240;
const DAYS: ReadonlyArray<[string, number]> = [
  ['monday', 0], ['mon', 0], ['tuesday', 1], ['tue', 1], ['wednesday', 2], ['wed', 2], ['thursday', 3], ['thu', 3],
  ['friday', 4], ['fri', 4], ['saturday', 5], ['sat', 5], ['sunday', 6], ['sun', 6],
];
const DAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** Parse failure inside the recursive-descent parser; turned into a result at the top. */
class Invalid extends Error {}
const invalid = (why: string): never => {
  throw new Invalid(why);
};

const one = (start: number): Component[] => [{ start, stop: -1, repeat: 0 }];

/** `minutely`, `daily`, ... as systemd expands them. */
const SHORTHANDS: Record<string, () => Partial<Spec>> = {
  minutely: () => ({ usec: one(0) }),
  hourly: () => ({ minute: one(0), usec: one(0) }),
  daily: () => ({ hour: one(0), minute: one(0), usec: one(0) }),
  monthly: () => ({ day: one(1), hour: one(0), minute: one(0), usec: one(0) }),
  annually: () => ({ month: one(1), day: one(1), hour: one(0), minute: one(0), usec: one(0) }),
  weekly: () => ({ weekdays: 1, hour: one(0), minute: one(0), usec: one(0) }),
  quarterly: () => ({ month: [1, 4, 7, 10].flatMap(one), day: one(1), hour: one(0), minute: one(0), usec: one(0) }),
  semiannually: () => ({ month: [1, 7].flatMap(one), day: one(1), hour: one(0), minute: one(0), usec: one(0) }),
};
SHORTHANDS.yearly = SHORTHANDS.annually;
SHORTHANDS.anually = SHORTHANDS.annually;
SHORTHANDS.biannually = SHORTHANDS.semiannually;
SHORTHANDS['bi-annually'] = SHORTHANDS.semiannually;
SHORTHANDS['semi-annually'] = SHORTHANDS.semiannually;

/** Whether `name` is a time zone the host's zoneinfo would have (IANA names are case-sensitive). */
export function isTimeZone(name: string): boolean {
  if (!/^[A-Z][A-Za-z0-9_+-]*(\/[A-Z0-9][A-Za-z0-9_+-]*)*$/.test(name)) return false;
  // The zoneinfo file is what systemd reads; asking Intl first would load ICU's zone data (~100 ms).
  if (fs.existsSync(`/usr/share/zoneinfo/${name}`)) return true;
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** Parse an `OnCalendar=` expression the way systemd does. Total: never throws. */
export function parseCalendar(expr: string): CalendarResult {
  try {
    const { normalized, timeZone } = parse(expr);
    return { ok: true, normalized, timeZone };
  } catch (e) {
    if (e instanceof Invalid) return { ok: false, error: e.message };
    throw e;
  }
}

/** The parsed expression, or undefined when systemd would reject it. */
export function parseCalendarSpec(expr: string): CalendarSpec | undefined {
  try {
    return parse(expr).spec;
  } catch (e) {
    if (e instanceof Invalid) return undefined;
    throw e;
  }
}

function parse(input: string): { normalized: string; timeZone?: string; spec: Spec } {
  const spec: Spec = { weekdays: 0, endOfMonth: false, utc: false };
  let p = input;
  if (/ utc$/i.test(p)) {
    spec.utc = true;
    p = p.slice(0, -4);
  } else {
    const space = p.lastIndexOf(' ');
    if (space >= 0 && isTimeZone(p.slice(space + 1))) {
      spec.timeZone = p.slice(space + 1);
      p = p.slice(0, space);
    }
  }
  if (p === '') invalid('the expression is empty');
  const shorthand = SHORTHANDS[p.toLowerCase()];
  if (shorthand) {
    Object.assign(spec, shorthand());
  } else {
    const cur = { s: p };
    parseWeekdays(cur, spec);
    if (!parseDate(cur, spec)) parseTime(cur, spec);
    if (cur.s !== '') invalid(`unexpected "${cur.s}"`);
  }
  normalize(spec);
  checkValid(spec);
  return { normalized: format(spec), timeZone: spec.utc ? 'UTC' : spec.timeZone, spec };
}

function parseWeekdays(cur: { s: string }, spec: Spec): void {
  let l = -1;
  let first = true;
  for (;;) {
    const hit = DAYS.find(([name]) => cur.s.toLowerCase().startsWith(name));
    if (!hit) {
      if (first) return;
      invalid('a weekday list must end with a weekday');
    }
    const [name, nr] = hit!;
    if (!['', '-', '.', ',', ' '].includes(cur.s.charAt(name.length))) invalid(`"${cur.s.slice(0, name.length + 1)}" is not a weekday`);
    spec.weekdays |= 1 << nr;
    if (l >= 0) {
      if (l > nr) invalid('a weekday range must go forward (Mon..Fri)');
      for (let j = l + 1; j < nr; j++) spec.weekdays |= 1 << j;
    }
    cur.s = cur.s.slice(name.length);
    if (cur.s === '') return;
    if (cur.s[0] === ' ') {
      cur.s = cur.s.replace(/^ +/, '');
      return;
    }
    if (cur.s[0] === '.') {
      if (l >= 0 || cur.s[1] !== '.') invalid('a weekday range is written Mon..Fri');
      l = nr;
      cur.s = cur.s.slice(2);
    } else if (cur.s[0] === '-') {
      if (l >= 0) invalid('a weekday range has two ends');
      l = nr;
      cur.s = cur.s.slice(1);
    } else if (cur.s[0] === ',') {
      l = -1;
      cur.s = cur.s.slice(1);
    }
    if (cur.s === '' || cur.s[0] === ' ') {
      cur.s = cur.s.replace(/^ +/, '');
      if (l >= 0) invalid('a weekday range is open');
      return;
    }
    first = false;
  }
}

/** A decimal (seconds may have a fraction, kept in microseconds). */
function decimal(cur: { s: string }, usec: boolean): number {
  const m = /^\d+/.exec(cur.s);
  if (!m) invalid(`expected a number at "${cur.s}"`);
  let value = Number(m![0]);
  cur.s = cur.s.slice(m![0].length);
  if (usec) {
    value *= USEC;
    if (cur.s[0] === '.' && cur.s[1] !== '.') {
      const f = /^\.(\d+)/.exec(cur.s);
      if (!f) invalid('a fraction needs digits after the point');
      const digits = f![1];
      let add = Number(digits.slice(0, 6).padEnd(6, '0'));
      if (digits.length > 6 && digits[6] >= '5') add++;
      value += add;
      cur.s = cur.s.slice(f![0].length);
    }
  }
  if (value > 2 ** 31 - 1) invalid(`${value} is out of range`);
  return value;
}

/** `a`, `a..b`, `a/r`, `a..b/r`, and comma lists of them. */
function components(cur: { s: string }, usec: boolean): Component[] {
  const out: Component[] = [];
  for (;;) {
    if (out.length > MAX_COMPONENTS) invalid('too many list entries');
    const start = decimal(cur, usec);
    let stop = -1;
    let repeat = 0;
    if (cur.s.startsWith('..')) {
      cur.s = cur.s.slice(2);
      stop = decimal(cur, usec);
      repeat = usec ? USEC : 1;
    }
    if (cur.s[0] === '/') {
      cur.s = cur.s.slice(1);
      repeat = decimal(cur, usec);
      if (repeat === 0) invalid('a repetition of 0 never advances');
    }
    if (!['', ' ', ',', '-', '~', ':'].includes(cur.s.charAt(0))) invalid(`unexpected "${cur.s}"`);
    out.push({ start, stop, repeat });
    if (cur.s[0] !== ',') return out;
    cur.s = cur.s.slice(1);
  }
}

/** One field: `*` (any; for seconds, every whole second) or a component list. */
function chain(cur: { s: string }, usec: boolean): Component[] | undefined {
  if (cur.s[0] === '*') {
    cur.s = cur.s.slice(1);
    return usec ? [{ start: 0, stop: -1, repeat: USEC }] : undefined;
  }
  return components(cur, usec);
}

/** The date part; true when the expression was a `@timestamp` (no time follows). */
function parseDate(cur: { s: string }, spec: Spec): boolean {
  if (cur.s === '') return false;
  if (cur.s[0] === '@') {
    const m = /^@(\d+)/.exec(cur.s);
    if (!m) invalid('@ needs a number of seconds since the epoch');
    const d = new Date(Number(m![1]) * 1000);
    if (Number.isNaN(d.getTime())) invalid('the timestamp is out of range');
    Object.assign(spec, {
      year: one(d.getUTCFullYear()), month: one(d.getUTCMonth() + 1), day: one(d.getUTCDate()),
      hour: one(d.getUTCHours()), minute: one(d.getUTCMinutes()), usec: one(d.getUTCSeconds() * USEC), utc: true,
    });
    spec.timeZone = undefined;
    cur.s = cur.s.slice(m![0].length);
    return true;
  }
  const save = cur.s;
  const first = chain(cur, false);
  // A ':' right after the first field: this was a time, not a date.
  if (cur.s === '' || cur.s[0] === ':') {
    cur.s = save;
    return false;
  }
  const sep1 = cur.s[0];
  if (sep1 === '~') spec.endOfMonth = true;
  else if (sep1 !== '-') invalid(`unexpected "${cur.s}"`);
  cur.s = cur.s.slice(1);
  const second = chain(cur, false);
  if (cur.s === '' || cur.s[0] === ' ') {
    cur.s = cur.s.replace(/^ +/, '');
    spec.month = first;
    spec.day = second;
    return false;
  }
  if (spec.endOfMonth) invalid('"~" (days from the end of the month) must come before the day');
  const sep2 = cur.s[0];
  if (sep2 === '~') spec.endOfMonth = true;
  else if (sep2 !== '-') invalid(`unexpected "${cur.s}"`);
  cur.s = cur.s.slice(1);
  const third = chain(cur, false);
  if (cur.s !== '' && cur.s[0] !== ' ') invalid(`unexpected "${cur.s}"`);
  cur.s = cur.s.replace(/^ +/, '');
  spec.year = first;
  spec.month = second;
  spec.day = third;
  return false;
}

function parseTime(cur: { s: string }, spec: Spec): void {
  if (cur.s === '') {
    Object.assign(spec, { hour: one(0), minute: one(0), usec: one(0) });
    return;
  }
  spec.hour = chain(cur, false);
  if (cur.s[0] !== ':') invalid('a time is written HH:MM or HH:MM:SS');
  cur.s = cur.s.slice(1);
  spec.minute = chain(cur, false);
  if (cur.s === '') {
    spec.usec = one(0);
    return;
  }
  if (cur.s[0] !== ':') invalid(`unexpected "${cur.s}"`);
  cur.s = cur.s.slice(1);
  spec.usec = chain(cur, true);
  if (cur.s !== '') invalid(`unexpected "${cur.s}"`);
}

function normalizeChain(list: Component[] | undefined): Component[] | undefined {
  if (!list) return undefined;
  for (const c of list) if (c.stop > c.start && c.repeat > 0) c.stop -= (c.stop - c.start) % c.repeat;
  const cmp = (a: Component, b: Component) => a.start - b.start || a.stop - b.stop || a.repeat - b.repeat;
  const sorted = [...list].sort(cmp);
  return sorted.filter((c, i) => i === 0 || cmp(sorted[i - 1], c) !== 0);
}

function normalize(spec: Spec): void {
  if (spec.timeZone === 'UTC') {
    spec.utc = true;
    spec.timeZone = undefined;
  }
  if (spec.weekdays <= 0 || spec.weekdays >= ALL_WEEKDAYS) spec.weekdays = -1;
  if (spec.endOfMonth && !spec.day) spec.endOfMonth = false;
  // Two-digit years: 12 -> 2012, 89 -> 1989.
  for (const c of spec.year ?? []) {
    for (const k of ['start', 'stop'] as const) {
      if (c[k] >= 0 && c[k] < 70) c[k] += 2000;
      else if (c[k] >= 70 && c[k] < 100) c[k] += 1900;
    }
  }
  spec.year = normalizeChain(spec.year);
  spec.month = normalizeChain(spec.month);
  spec.day = normalizeChain(spec.day);
  spec.hour = normalizeChain(spec.hour);
  spec.minute = normalizeChain(spec.minute);
  spec.usec = normalizeChain(spec.usec);
}

function checkChain(list: Component[] | undefined, from: number, to: number, endOfMonth: boolean, what: string): void {
  if (endOfMonth) to -= 3; // at most 28 days from the end of a month
  for (const c of list ?? []) {
    const bad = () => invalid(`the ${what} is out of range`);
    if (c.start < from || c.start > to) bad();
    if (c.repeat > to - from) bad();
    if (c.stop >= 0) {
      if (c.stop < from || c.stop > to || c.start + c.repeat > c.stop) bad();
    } else if (endOfMonth ? c.start - c.repeat < from : c.start + c.repeat > to) {
      bad();
    }
  }
}

function checkValid(spec: Spec): void {
  checkChain(spec.year, 1970, 2199, false, 'year');
  checkChain(spec.month, 1, 12, false, 'month');
  checkChain(spec.day, 1, 31, spec.endOfMonth, 'day');
  checkChain(spec.hour, 0, 23, false, 'hour');
  checkChain(spec.minute, 0, 59, false, 'minute');
  checkChain(spec.usec, 0, 60 * USEC - 1, false, 'second');
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');

function formatChain(list: Component[] | undefined, width: number, usec: boolean): string {
  if (!list) return '*';
  const d = usec ? USEC : 1;
  if (usec && list.length === 1 && list[0].start === 0 && list[0].repeat === USEC) return '*';
  return list.map((c) => {
    let s = pad(Math.floor(c.start / d), width);
    if (c.start % d > 0) s += `.${pad(c.start % d, 6)}`;
    if (c.stop > 0) s += `..${pad(Math.floor(c.stop / d), width)}`;
    if (c.stop > 0 && c.stop % d > 0) s += `.${pad(c.stop % d, 6)}`;
    if (c.repeat > 0 && !(c.stop > 0 && c.repeat === d)) s += `/${Math.floor(c.repeat / d)}`;
    if (c.repeat % d > 0) s += `.${pad(c.repeat % d, 6)}`;
    return s;
  }).join(',');
}

function formatWeekdays(bits: number): string {
  const parts: string[] = [];
  let l = -1;
  const close = (x: number) => {
    if (x > l + 1) parts[parts.length - 1] += (x > l + 2 ? '..' : ',') + DAY_NAMES[x - 1];
  };
  let x = 0;
  for (; x < 7; x++) {
    if (bits & (1 << x)) {
      if (l < 0) {
        parts.push(DAY_NAMES[x]);
        l = x;
      }
    } else if (l >= 0) {
      close(x);
      l = -1;
    }
  }
  if (l >= 0) close(x);
  return parts.join(',');
}

function format(spec: Spec): string {
  let s = spec.weekdays > 0 ? `${formatWeekdays(spec.weekdays)} ` : '';
  s += `${formatChain(spec.year, 4, false)}-${formatChain(spec.month, 2, false)}${spec.endOfMonth ? '~' : '-'}${formatChain(spec.day, 2, false)}`;
  s += ` ${formatChain(spec.hour, 2, false)}:${formatChain(spec.minute, 2, false)}:${formatChain(spec.usec, 2, true)}`;
  if (spec.utc) s += ' UTC';
  else if (spec.timeZone) s += ` ${spec.timeZone}`;
  return s;
}
