import { expect } from 'chai';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/**
 * Follows docs/getting-started.md in a scratch folder: builds and packs this package, then runs
 * the guide's `sh` blocks and writes its `file=` blocks in order, as one bash script. The only
 * changes: `quadlet-cdk` as an install argument becomes the packed tarball, and installs try the
 * npm cache first (--offline), falling back to the registry. Slow (npm installs): runs when CI or
 * QUADLET_CDK_SLOW_TESTS=1 is set.
 */
const ROOT = path.join(__dirname, '..', '..');
const GUIDE = path.join(ROOT, 'docs', 'getting-started.md');

interface Block { readonly lang: string; readonly file?: string; readonly body: string }

function blocks(md: string): Block[] {
  return [...md.matchAll(/^```(\w*)([^\n]*)\n([\s\S]*?)^```$/gm)].map((m) => ({
    lang: m[1],
    file: /\bfile=(\S+)/.exec(m[2])?.[1],
    body: m[3],
  }));
}

/** The guide as a bash script; `tarball` replaces the registry package. */
function guideScript(md: string, tarball: string): string {
  const lines: string[] = [];
  for (const b of blocks(md)) {
    if (b.file) {
      lines.push(`mkdir -p "$(dirname '${b.file}')"`, `cat > '${b.file}' <<'QUADLET_CDK_EOF'`, b.body.replace(/\n$/, ''), 'QUADLET_CDK_EOF');
    } else if (b.lang === 'sh') {
      for (const line of b.body.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'))) {
        const install = /^npm install (.*)$/.exec(line);
        if (!install) {
          lines.push(line);
          continue;
        }
        const args = install[1].split(/\s+/).map((a) => (a === 'quadlet-cdk' ? `'${tarball}'` : a)).join(' ');
        lines.push(`npm install --offline --no-audit --no-fund ${args} || npm install --no-audit --no-fund ${args}`);
      }
    }
  }
  return lines.join('\n') + '\n';
}

/** The environment of a fresh shell: no npm or projen variables of the process running the tests. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(npm_|INIT_CWD$|PROJEN_|QUADLET_CDK_OUTDIR$|TS_NODE_)/i.test(k)) env[k] = v;
  }
  return { ...env, npm_config_prefer_offline: 'true', npm_config_update_notifier: 'false' };
}

function run(cmd: string, args: string[], cwd: string, timeout = 120_000): string {
  const r = spawnSync(cmd, args, { cwd, env: cleanEnv(), encoding: 'utf8', timeout });
  const out = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal ?? r.error}):\n${out.slice(-6000)}`);
  return out;
}

describe('getting started (docs/getting-started.md)', function () {
  this.timeout(240_000);
  const md = fs.readFileSync(GUIDE, 'utf8');

  it('the guide has commands, files and the expected output', () => {
    const script = guideScript(md, '/x/quadlet-cdk.tgz');
    expect(script).to.contain("npm install --offline --no-audit --no-fund '/x/quadlet-cdk.tgz'");
    expect(script).to.contain('npx projen synth');
    expect(blocks(md).map((b) => b.file).filter(Boolean)).to.deep.equal(['.projenrc.ts', 'apps/main.ts']);
  });

  it('an empty folder becomes a site repo whose `npx projen synth` writes the units', function () {
    if (!process.env.CI && process.env.QUADLET_CDK_SLOW_TESTS !== '1') this.skip();
    const started = Date.now();
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'quadlet-cdk-starter-'));
    try {
      // The package as npm would ship it: compiled lib, package.json, README, LICENSE (staged, so
      // that the repo's build/ and local tools such as .tools/ stay out of it).
      const pkg = path.join(tmp, 'pkg');
      fs.mkdirSync(pkg);
      run(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json', '--outDir', path.join(pkg, 'build')], ROOT);
      for (const f of ['package.json', 'README.md', 'LICENSE']) if (fs.existsSync(path.join(ROOT, f))) fs.copyFileSync(path.join(ROOT, f), path.join(pkg, f));
      fs.cpSync(path.join(ROOT, 'bin'), path.join(pkg, 'bin'), { recursive: true }); // the quadlet-cdk command QuadletSite runs
      // build/ is compiled above; the package's prepack would compile again from sources the staging folder lacks.
      const packed = run('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', tmp], pkg).trim().split('\n').pop()!;
      const tarball = path.join(tmp, packed);
      expect(fs.existsSync(tarball), tarball).to.equal(true);
      const built = Date.now();

      const work = path.join(tmp, 'work');
      fs.mkdirSync(work);
      fs.writeFileSync(path.join(tmp, 'guide.sh'), guideScript(md, tarball));
      const out = run('bash', ['-euo', 'pipefail', path.join(tmp, 'guide.sh')], work, 180_000);

      const site = path.join(work, 'my-site');
      const expected = blocks(md).map((b) => b.body).find((b) => b.startsWith('dist/main/'))!.trim().split('\n');
      const listed = out.split('\n').filter((l) => l.startsWith('dist/')).sort();
      expect(listed).to.deep.equal(expected);
      const wrote = /quadlet-cdk: apps\/main\.ts -> dist\/main: .*/.exec(out)?.[0];
      expect(md).to.contain(wrote);
      const unit = fs.readFileSync(path.join(site, 'dist/main/.config/containers/systemd/wiki.container'), 'utf8');
      expect(unit).to.contain('Requires=wiki-db.service').and.contain('PublishPort=127.0.0.1:3001:3000');
      const pkgJson = JSON.parse(fs.readFileSync(path.join(site, 'package.json'), 'utf8'));
      expect(pkgJson.dependencies['quadlet-cdk']).to.equal(`file:${path.relative(site, tarball)}`);
      expect(fs.readFileSync(path.join(site, '.gitignore'), 'utf8')).to.contain('/dist/');
      const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
      console.log(`      build+pack ${secs(built - started)}, guide ${secs(Date.now() - built)}`);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });
});
