/**
 * The env files units read (`x.env`) hold secrets, so synth writes only their templates
 * (`x.env.tmpl`: every variable, the non-secret values, the secrets empty). A deploy makes the
 * real file follow its template: non-secret values come from the template, secret values are kept
 * from the file on the host, and variables the template does not know are kept at the end. A
 * secret value never leaves this module: not in a message, not in a diff, not in a plan.
 */

/** One variable of a template. */
interface TemplateVar {
  readonly name: string;
  readonly secret: boolean;
}

const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/;

/** The variables of a template, in order, each marked secret when a `# secret:` comment announces it. */
function templateVars(template: string): TemplateVar[] {
  const out: TemplateVar[] = [];
  let secretNext = false;
  for (const line of template.split('\n')) {
    if (/^#\s*secret:/.test(line)) {
      secretNext = true;
      continue;
    }
    if (line.startsWith('#')) continue;
    const m = ASSIGNMENT.exec(line);
    if (m) out.push({ name: m[1], secret: secretNext });
    secretNext = false;
  }
  return out;
}

/** The assignments of an env file: name -> value (the first one wins, as podman reads it). */
function assignments(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = ASSIGNMENT.exec(line);
    if (m && !out.has(m[1])) out.set(m[1], m[2]);
  }
  return out;
}

/** What following a template does to the env file on the host. */
export interface EnvSyncResult {
  /** The new text of the env file. */
  readonly content: string;
  /** Secret variables with no value on the host (the file is missing, or they are empty). */
  readonly missingSecrets: string[];
  /** Variables the host file sets that the template does not know (kept at the end). */
  readonly kept: string[];
}

/** The env file `existing` (undefined: there is none) made to follow `template`. */
export function syncEnvFile(template: string, existing: string | undefined): EnvSyncResult {
  const vars = templateVars(template);
  const host = assignments(existing ?? '');
  const secrets = new Set(vars.filter((v) => v.secret).map((v) => v.name));
  const missingSecrets = [...secrets].filter((n) => (host.get(n) ?? '') === '').sort();
  const lines = template.split('\n').map((line) => {
    const m = ASSIGNMENT.exec(line);
    return m && secrets.has(m[1]) ? `${m[1]}=${host.get(m[1]) ?? ''}` : line;
  });
  const known = new Set(vars.map((v) => v.name));
  const kept = [...host.keys()].filter((n) => !known.has(n));
  if (kept.length) {
    if (lines[lines.length - 1] === '') lines.pop();
    lines.push('# Kept from the host\'s file: the template does not set these.', ...kept.map((n) => `${n}=${host.get(n)}`), '');
  }
  return { content: lines.join('\n'), missingSecrets, kept };
}

/** The env file a template makes: `x.env.tmpl` -> `x.env`. */
export function envFileOf(templatePath: string): string {
  return templatePath.replace(/\.tmpl$/, '');
}
