import { defineCodes } from '../core/diagnostics';

/** Diagnostics about plain systemd units: timers, services, the site target. Stable: never renumber, only add. */
export const SYSTEMD_CODES = defineCodes({
  TIMER001: { title: 'invalid OnCalendar expression', hint: 'write it as systemd.time(7) does, e.g. "*-*-* 03:00:00 Europe/Paris" or "Mon..Fri 09:00 UTC"; check with systemd-analyze calendar' },
  TIMER002: { title: 'OnCalendar without a time zone', hint: 'append an IANA zone (e.g. Europe/Paris) or UTC, so the schedule does not follow whatever zone the host is set to', severity: 'warning' },
  TIMER003: { title: 'timer without a schedule', hint: 'give onCalendar at least one expression' },
  TIMER004: { title: 'OnCalendar falls in a daylight-saving change', hint: 'move the time out of the hour the clocks change (in most of Europe 02:00-03:00, e.g. 03:30 or 01:30), or schedule in UTC', severity: 'warning' },
  UNIT001: { title: 'invalid unit name', hint: 'use letters, digits, "-", "_" and "." only, starting with a letter or digit' },
  UNIT002: { title: 'value cannot be written', hint: 'change the value so systemd reads back exactly what you wrote' },
  UNIT003: { title: 'command is not an absolute path', hint: 'systemd runs ExecStart= without a shell or PATH lookup: give /usr/bin/x or home(\'.local/bin/x\')' },
  UNIT004: { title: 'two units share a file name', hint: 'a plain unit and a quadlet-generated service (or two plain units) cannot have one name; rename one' },
  UNIT005: { title: 'more than one site target', hint: 'a site has one target that every unit joins; remove the extra Target' },
  UNIT006: { title: 'service without exactly one command', hint: 'give either exec (a host command) or job (a ContainerJob or HostCommand), not both and not neither' },
});
