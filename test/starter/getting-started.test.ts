import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { packedTarball, ROOT, run, slowTests } from './pack';

/**
 * Follows docs/getting-started.md in a scratch folder: packs this package (npm pack), then runs
 * the guide's `sh` blocks and writes its `file=` blocks in order, as one bash script. The only
 * changes: `quadlet-cdk` as an install argument becomes the packed tarball, and installs try the
 * npm cache first (--offline), falling back to the registry. Slow (npm installs): runs when CI or
 * QUADLET_CDK_SLOW_TESTS=1 is set.
 */
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

describe('getting started (docs/getting-started.md)', function () {
  this.timeout(600_000);
  const md = fs.readFileSync(GUIDE, 'utf8');

  it('the guide has commands, files and the expected output', () => {
    const script = guideScript(md, '/x/quadlet-cdk.tgz');
    expect(script).to.contain("npm install --offline --no-audit --no-fund '/x/quadlet-cdk.tgz'");
    expect(script).to.contain('npx quadlet-cdk synth');
    expect(script).to.contain('npx projen synth');
    expect(blocks(md).map((b) => b.file).filter(Boolean)).to.deep.equal(['.projenrc.ts', 'apps/main.ts']);
  });

  it('an empty folder becomes a site repo whose `npx projen synth` writes the units', function () {
    if (!slowTests()) this.skip();
    const started = Date.now();
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'quadlet-cdk-starter-'));
    try {
      const { tarball } = packedTarball();
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
