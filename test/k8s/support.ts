import { parseAllDocuments } from 'yaml';
import { App, Diagnostic, SiteProps } from '../../lib';
import { Testing } from '../../lib/testing';

/** Build an app with the Kubernetes backend and return its files and diagnostics (errors included). */
export function synthK8s(build: (app: App) => unknown): { files: Record<string, string>; diagnostics: Diagnostic[]; app: App } {
  const app = new App({ outdir: '/nonexistent/quadlet-cdk-k8s', backend: 'kubernetes' });
  build(app);
  const out = app.synthFiles({ allowErrors: true });
  return { files: Testing.filesOf(out), diagnostics: out.diagnostics, app };
}

/** A one-site app on the Kubernetes backend, for construct-level tests. */
export function k8sSite(props: SiteProps = {}) {
  return Testing.site({ backend: 'kubernetes', ...props });
}

/** Every object of every manifest file (not the kustomization). */
export function objectsOf(files: Record<string, string>): Array<Record<string, any>> {
  return Object.entries(files)
    .filter(([p]) => /\/k8s\/[^/]+\.yaml$|^k8s\/[^/]+\.yaml$/.test(p) && !p.endsWith('kustomization.yaml'))
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .flatMap(([, text]) => parseAllDocuments(text).map((d) => d.toJSON()));
}

/** The object of one kind and name, or undefined. */
export function objectOf(files: Record<string, string>, kind: string, name: string): Record<string, any> | undefined {
  return objectsOf(files).find((o) => o.kind === kind && o.metadata?.name === name);
}

/** `CODE severity` of each diagnostic, for compact assertions. */
export function codesOf(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.map((d) => `${d.code} ${d.severity}`);
}
