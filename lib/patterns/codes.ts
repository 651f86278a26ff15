import { defineCodes } from '../core/diagnostics';

/** Diagnostics about the higher-level patterns (databases, web apps, stacks, backups). Stable: never renumber, only add. */
export const PATTERN_CODES = defineCodes({
  PATTERN001: { title: 'construct id already taken', hint: 'give the pattern another id (or name), or rename the construct that already holds the id: a pattern creates its resources beside itself, named after it' },
  PATTERN002: { title: 'name unusable in a connection URL', hint: 'use letters, digits, "_" and "-" (at most 63, starting with a letter or "_") for database and user names' },
  PATTERN003: { title: 'consumer shares no network with its service', hint: 'put the consumer and the database or cache on one network: they reach each other by container name' },
  PATTERN004: { title: 'route half configured', hint: 'give both host and caddy for a public route, or neither' },
  PATTERN005: { title: 'invalid mail host name or domain', hint: 'give DNS names such as mail.example.org; postfix needs a fully qualified host name' },
  PATTERN006: { title: 'backup copies a live database\'s files', hint: 'back up a dump instead (pg_dump / mariadb-dump into a backed-up volume), or accept crash-consistent copies with allowLiveDatabase and the reason', severity: 'warning' },
  PATTERN007: { title: 'backup has nothing to back up', hint: 'list at least one volume or host path' },
  PATTERN008: { title: 'invalid backup target or source', hint: 'give an absolute host folder (/srv/backup, or home(\'backups\')), and source names made of letters, digits, ".", "_" and "-"' },
  PATTERN009: { title: 'invalid health path', hint: 'give the URL path the app answers when it is up, starting with "/", e.g. /health or /alive' },
  PATTERN010: { title: 'connection writes no host', hint: 'name the variable the image reads for the host (hostVar, e.g. MYSQL_HOST, DB_HOST) or a URL variable (urlVar)', severity: 'warning' },
});
