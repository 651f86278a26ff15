import { CommandResult, Host } from '../../lib/deploy';

/**
 * A scripted systemd + podman: units become active when started (or restarted), except those in
 * `broken`, whose main process exits at once (systemd restarts them). Records every command.
 */
export class FakeHost {
  public readonly commands: string[] = [];
  public readonly broken = new Set<string>();
  private readonly state = new Map<string, { active: boolean; restarts: number; since: number }>();
  private clock = 0;

  public host(rootless = true): Host {
    return new Host(rootless, (argv) => this.run(argv));
  }

  /** The commands that changed something (not `show`, not the health checks). */
  public get actions(): string[] {
    return this.commands.filter((c) => !/ show |healthcheck|journalctl|podman logs/.test(c));
  }

  public isActive(unit: string): boolean {
    return this.state.get(unit)?.active ?? false;
  }

  /** When the unit last entered the active state (a counter, like ActiveEnterTimestampMonotonic). */
  public enteredActive(unit: string): number | undefined {
    return this.state.get(unit)?.since;
  }

  private run(argv: readonly string[]): CommandResult {
    this.commands.push(argv.join(' '));
    const ok = (stdout = ''): CommandResult => ({ status: 0, stdout, stderr: '' });
    if (argv[0] === 'journalctl') return ok('line one\nexited with 3\n');
    if (argv[0] === 'podman') return ok();
    const args = argv.filter((a) => a !== '--user' && a !== '--no-block').slice(1);
    const [verb, unit] = args;
    const s = this.state.get(unit) ?? { active: false, restarts: 0, since: 0 };
    switch (verb) {
      case 'show': {
        const up = s.active && !this.broken.has(unit);
        return ok(`ActiveState=${up ? 'active' : s.active ? 'activating' : 'inactive'}\nSubState=${up ? 'running' : s.active ? 'auto-restart' : 'dead'}\nResult=${this.broken.has(unit) ? 'exit-code' : 'success'}\nNRestarts=${s.restarts}\nActiveEnterTimestampMonotonic=${s.since}\n`);
      }
      case 'start':
        if (!s.active) this.state.set(unit, { active: true, restarts: this.broken.has(unit) ? s.restarts + 1 : s.restarts, since: ++this.clock });
        return ok();
      case 'restart':
      case 'try-restart':
        if (verb === 'restart' || s.active) this.state.set(unit, { active: true, restarts: this.broken.has(unit) ? s.restarts + 1 : s.restarts, since: ++this.clock });
        return ok();
      case 'stop':
        this.state.set(unit, { ...s, active: false });
        return ok();
      default:
        return ok();
    }
  }
}
