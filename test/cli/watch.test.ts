import { expect } from 'chai';
import * as fs from 'fs';
import * as path from 'path';
import { scratch, siteApp, startBin, until } from './support';

describe('quadlet-cdk watch', function () {
  this.timeout(120_000);
  let s: ReturnType<typeof scratch>;
  beforeEach(() => { s = scratch(); });
  afterEach(() => s.cleanup());

  it('synthesizes, re-synthesizes after a save of the app or a module it imports, and exits 0 on SIGTERM', async () => {
    const helper = path.join(s.dir, 'lib', 'names.ts');
    fs.mkdirSync(path.dirname(helper));
    fs.writeFileSync(helper, "export const NAMES = ['web'];\n");
    s.write('one.ts', siteApp('one', ['web']).replace("export default", "import { NAMES } from '../lib/names';\nvoid NAMES;\nexport default"));
    const w = startBin(['watch'], s.dir);
    try {
      const rounds = () => (w.output().match(/watching for changes/g) ?? []).length;
      await until(() => rounds() === 1, 60_000, `the first synth:\n${w.output()}`);
      expect(w.output()).to.contain('apps/one.ts -> dist/one: 1 files, 1 written');
      s.write('one.ts', siteApp('one', ['web', 'api']));
      await until(() => rounds() === 2, 30_000, `a re-synth after the save:\n${w.output()}`);
      expect(w.output()).to.contain('apps/one.ts -> dist/one: 2 files, 1 written, 1 unchanged\n  written .config/containers/systemd/api.container');
      s.write('one.ts', siteApp('one', ['web']).replace("export default", "import { NAMES } from '../lib/names';\nexport default").replace("'web'", 'NAMES[0]').replace("'web'", 'NAMES[0]'));
      await until(() => rounds() === 3, 30_000, 'a re-synth');
      fs.writeFileSync(helper, "export const NAMES = ['www'];\n");
      await until(() => rounds() === 4, 30_000, `a re-synth after the imported module changed:\n${w.output()}`);
      expect(fs.existsSync(path.join(s.dir, 'dist', 'one', '.config', 'containers', 'systemd', 'www.container'))).to.equal(true);
    } finally {
      w.child.kill('SIGTERM');
    }
    expect(await w.exited).to.equal(0);
  });
});
