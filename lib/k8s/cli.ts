import type { SiteBackend } from '../core/site';

/** The `--backend` option's line for a command's `--help` (the CLI's synth command shows it). */
export const BACKEND_OPTION_USAGE = '  --backend quadlet|kubernetes   render every site as quadlet units (default) or as Kubernetes manifests under <site>/k8s/';

/** What `takeBackendOption` found: the backend asked for, the other arguments, or a usage error. */
export interface BackendOption {
  /** The backend `--backend` asked for. @default - not given: the app's default ($QUADLET_CDK_BACKEND, else quadlet) */
  readonly backend?: SiteBackend;
  /** The arguments other than `--backend`, in order. */
  readonly rest: string[];
  /** Set when the option is malformed; the command should exit with ExitCode.USAGE. @default - none: the option is well formed */
  readonly error?: string;
}

const BACKENDS: readonly SiteBackend[] = ['quadlet', 'kubernetes'];

/**
 * Takes `--backend <name>` or `--backend=<name>` out of a command's arguments. The synth command
 * passes the result to `new App({ backend })`, or sets $QUADLET_CDK_BACKEND for apps that build
 * their own App (both reach every site that does not name a backend itself).
 */
export function takeBackendOption(args: readonly string[]): BackendOption {
  const rest: string[] = [];
  let backend: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--backend') {
      backend = args[++i];
      if (backend === undefined) return { rest, error: '--backend needs a value: quadlet or kubernetes' };
    } else if (a.startsWith('--backend=')) {
      backend = a.slice('--backend='.length);
    } else {
      rest.push(a);
    }
  }
  if (backend === undefined) return { rest };
  if (!(BACKENDS as readonly string[]).includes(backend)) return { rest, error: `unknown backend "${backend}": use quadlet or kubernetes` };
  return { backend: backend as SiteBackend, rest };
}
