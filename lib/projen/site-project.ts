/**
 * A projen component for site repositories: `npx projen synth` runs `quadlet-cdk synth`, the
 * command of the installed quadlet-cdk, over every app under `apps/` into `dist/<app>/`.
 *
 * Import it as `quadlet-cdk/build/projen`; it is not exported from the package root, so that
 * projen stays an optional peer dependency of quadlet-cdk. See docs/getting-started.md.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Component, DependencyType, Project, SampleFile } from 'projen';

export interface QuadletSiteOptions {
  /**
   * The folder of apps: each `*.ts` file is one app, written to `<outdir>/<name>/`.
   * @default 'apps'
   */
  readonly appsDir?: string;
  /**
   * The output root. It is gitignored.
   * @default 'dist'
   */
  readonly outdir?: string;
  /**
   * The name of the task that synthesizes the apps.
   * @default 'synth'
   */
  readonly taskName?: string;
  /**
   * Write a sample `apps/main.ts` when the apps folder has no app yet.
   * @default true
   */
  readonly sampleApp?: boolean;
  /**
   * Treat warnings as errors (`quadlet-cdk synth --strict`).
   * @default false
   */
  readonly strict?: boolean;
  /**
   * Declare quadlet-cdk (with the spec it was installed with: a version range, a tarball, a
   * git URL) as a dependency, so that projen's install keeps it.
   * @default true
   */
  readonly manageDependencies?: boolean;
}

/** The sample app: one site, one network, one container published on loopback. */
export const SAMPLE_APP = `import { App, Container, Network, Site } from 'quadlet-cdk';

const app = new App();
const site = new Site(app, 'home', { domains: ['example.org'] });
new Network(site, 'home', { subnet: '10.89.0.0/24', default: true });
new Container(site, 'whoami', {
  image: 'docker.io/traefik/whoami:v1.10.4',
  publish: [{ host: 8080, container: 80 }], // 127.0.0.1:8080 unless public: true
});
app.synth();
`;

/**
 * Adds the `synth` task (`quadlet-cdk synth` over `apps/` into `dist/`), gitignores the output,
 * includes the apps in the type-checked sources, and can write a sample app.
 *
 * ```ts
 * const project = new typescript.TypeScriptProject({ ... });
 * new QuadletSite(project);
 * project.synth();
 * ```
 */
export class QuadletSite extends Component {
  /** The folder of apps. */
  public readonly appsDir: string;
  /** The output root. */
  public readonly outdir: string;

  public constructor(project: Project, options: QuadletSiteOptions = {}) {
    super(project);
    this.appsDir = options.appsDir ?? 'apps';
    this.outdir = options.outdir ?? 'dist';
    // projen puts node_modules/.bin on the task's PATH: the bin of the installed quadlet-cdk.
    project.addTask(options.taskName ?? 'synth', {
      description: `Synthesize every app under ${this.appsDir}/ into ${this.outdir}/<app>/ (quadlet-cdk synth)`,
      exec: `quadlet-cdk synth --apps ${this.appsDir} --out ${this.outdir}${options.strict ? ' --strict' : ''}`,
      receiveArgs: true,
    });
    project.addGitIgnore(`/${this.outdir}/`);
    // Type-check the apps with the rest (`tsc -p <dev tsconfig>`); include paths are relative to that file.
    const dev = (project as any).tsconfigDev;
    if (typeof dev?.addInclude === 'function' && typeof dev.fileName === 'string') {
      const up = path.posix.relative(path.posix.dirname(dev.fileName), '.');
      dev.addInclude(path.posix.join(up || '.', this.appsDir, '**/*.ts'));
    }
    if (options.manageDependencies ?? true) this.declareDependencies();
    if ((options.sampleApp ?? true) && !hasApps(path.join(project.outdir, this.appsDir))) {
      new SampleFile(project, `${this.appsDir}/main.ts`, { contents: SAMPLE_APP });
    }
  }

  private declareDependencies(): void {
    const deps = this.project.deps;
    if (!deps.tryGetDependency('quadlet-cdk')) deps.addDependency(`quadlet-cdk@${installedSpec(this.project.outdir)}`, DependencyType.RUNTIME);
  }
}

/** The spec quadlet-cdk was installed with, from the project's package.json; else ^<this version>. */
function installedSpec(root: string): string {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    for (const field of ['dependencies', 'devDependencies']) {
      const spec = pkg[field]?.['quadlet-cdk'];
      if (typeof spec === 'string' && spec !== '*') return spec;
    }
  } catch {
    // no package.json yet: fall through to this package's own version
  }
  const own = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8'));
  return `^${own.version}`;
}

function hasApps(dir: string): boolean {
  return fs.existsSync(dir) && fs.readdirSync(dir).some((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'));
}
