import { splitCommand } from './macros';

/** One flag of a mandatory group, with its value when it takes one (`-ngl 999`, `--jinja`). */
export interface PolicyFlag {
  /** The command-line flag, e.g. `--no-mmap`. */
  readonly flag: string;
  /**
   * The value the flag must have, e.g. `999` for `-ngl`.
   * @default - none: the flag takes no value
   */
  readonly value?: string;
}

export interface ModelPolicyProps {
  /**
   * The flags every model's command must carry, as one command-line string or a list of words,
   * e.g. '--no-mmap -fa on -ngl 999 --jinja'. A word that does not start with `-` is the value
   * of the flag before it.
   */
  readonly mandatoryFlags: string | readonly string[];
  /**
   * Model ids that may deviate from the group (they get no flags added and are not checked).
   * @default - none
   */
  readonly exempt?: readonly string[];
  /**
   * Why the group exists and how to re-validate a deviation, for the docs and messages.
   * @default - none
   */
  readonly reason?: string;
}

/** Whether a word is a flag (`-x`, `--long`) rather than a value such as `-1`. */
function isFlag(word: string): boolean {
  return /^--?[A-Za-z]/.test(word);
}

/** Flags and their values, in order, from an argv. */
export function parseFlags(words: readonly string[]): PolicyFlag[] {
  const out: PolicyFlag[] = [];
  for (let i = 0; i < words.length; i++) {
    if (!isFlag(words[i])) continue;
    const next = words[i + 1];
    if (next !== undefined && !isFlag(next)) {
      out.push({ flag: words[i], value: next });
      i++;
    } else {
      out.push({ flag: words[i] });
    }
  }
  return out;
}

/**
 * A site-wide flag group for llama-swap models (the site's "mandatory flag group"): every model
 * carries it unless exempted by id. Share one policy object between every LlamaSwap of a site.
 */
export class ModelPolicy {
  public readonly flags: readonly PolicyFlag[];
  /** The flags as argv words, in the order given. */
  public readonly words: readonly string[];
  public readonly exempt: ReadonlySet<string>;
  public readonly reason?: string;

  public constructor(props: ModelPolicyProps) {
    this.words = typeof props.mandatoryFlags === 'string' ? splitCommand(props.mandatoryFlags) : [...props.mandatoryFlags];
    this.flags = parseFlags(this.words);
    this.exempt = new Set(props.exempt ?? []);
    this.reason = props.reason;
  }

  public isExempt(modelId: string): boolean {
    return this.exempt.has(modelId);
  }

  /**
   * Problems of one command line against the group: flags it lacks, and flags it sets to another
   * value anywhere (llama-server keeps the last value, so order would decide silently).
   */
  public check(argv: readonly string[]): { missing: PolicyFlag[]; overridden: Array<PolicyFlag & { found: string }> } {
    const given = parseFlags(argv);
    const missing: PolicyFlag[] = [];
    const overridden: Array<PolicyFlag & { found: string }> = [];
    for (const f of this.flags) {
      const uses = given.filter((g) => g.flag === f.flag);
      if (uses.length === 0) missing.push(f);
      for (const u of uses) {
        if (u.value !== f.value) overridden.push({ ...f, found: u.value ?? '(no value)' });
      }
    }
    return { missing, overridden };
  }
}

/** `-ngl 999` or `--jinja`, for messages. */
export function showFlag(f: PolicyFlag): string {
  return f.value === undefined ? f.flag : `${f.flag} ${f.value}`;
}
