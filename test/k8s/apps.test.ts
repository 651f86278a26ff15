import { expect } from 'chai';
import { parse } from 'yaml';
import sodimo from '../../apps/sodimo';
import gpuBox from '../../examples/gpu-box/app';
import homelab from '../../examples/homelab/app';
import twoHosts from '../../examples/two-hosts/app';
import { App, KUBERNETES_SCHEMA_VERSION, validateManifests } from '../../lib';
import { Testing } from '../../lib/testing';
import { objectsOf, synthK8s } from './support';

const APPS: Array<[string, (app: App) => unknown]> = [['sodimo', sodimo], ['gpu-box', gpuBox], ['homelab', homelab], ['two-hosts', twoHosts]];

describe('the reference site and the examples on the Kubernetes backend', () => {
  for (const [name, build] of APPS) {
    describe(name, () => {
      const { files, diagnostics } = synthK8s(build);

      it('synthesizes with no error and matches the golden tree', () => {
        expect(diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.path} ${d.message}`)).to.deep.equal([]);
        expect(Testing.golden(files, `test/k8s/__golden__/${name}`)).to.deep.equal([]);
      });

      it(`validates every object against the Kubernetes ${KUBERNETES_SCHEMA_VERSION} OpenAPI schema`, () => {
        const objects = objectsOf(files);
        expect(objects.length).to.be.greaterThan(3);
        expect(validateManifests(objects)).to.deep.equal([]);
      });

      it('writes only k8s/ folders, and lists every object file in its kustomization', () => {
        expect(Object.keys(files).filter((p) => !/(^|\/)k8s\//.test(p))).to.deep.equal([]);
        const kustomizations = Object.keys(files).filter((p) => p.endsWith('k8s/kustomization.yaml'));
        expect(kustomizations.length).to.be.greaterThan(0);
        for (const k of kustomizations) {
          const dir = k.slice(0, -'kustomization.yaml'.length);
          const listed = (parse(files[k]).resources as string[]).slice().sort();
          const onDisk = Object.keys(files).filter((p) => p.startsWith(dir) && /^[^/]+\.yaml$/.test(p.slice(dir.length)) && !p.endsWith('kustomization.yaml')).map((p) => p.slice(dir.length)).sort();
          expect(listed).to.deep.equal(onDisk);
          // Every secretGenerator source lies inside the folder and is git-ignored there.
          for (const g of parse(files[k]).secretGenerator ?? []) {
            for (const src of [...(g.envs ?? []), ...(g.files ?? [])]) expect(src).to.match(/^secrets\/[A-Za-z0-9_.-]+$/);
            expect(files[`${dir}secrets/.gitignore`]).to.contain('*');
          }
        }
      });

      it('never writes a Secret object or a secret value (values come from files beside the manifests)', () => {
        expect(objectsOf(files).filter((o) => o.kind === 'Secret')).to.deep.equal([]);
        for (const o of objectsOf(files).filter((x) => x.kind === 'ConfigMap')) {
          for (const [k, v] of Object.entries(o.data ?? {})) {
            if (/(PASSWORD|SECRET|TOKEN|API_KEY)$/.test(k)) expect(v, `${o.metadata.name}.${k}`).to.equal('');
          }
        }
      });
    });
  }

  it('leaves the quadlet output of the same app unchanged (the backend is per site)', () => {
    const app = new App({ outdir: '/nonexistent' });
    sodimo(app);
    const files = Testing.filesOf(app.synthFiles());
    expect(Object.keys(files).some((p) => p.includes('/k8s/') || p.startsWith('k8s/'))).to.equal(false);
    expect(Testing.golden(files, 'test/apps/__golden__/sodimo')).to.deep.equal([]);
  });
});

describe('docs/kubernetes-sites.md', () => {
  it('is current (npx projen docs)', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { K8S_DOC, K8S_DOC_APPS } = require('../../scripts/gen-k8s-docs');
    const { renderKubernetesSitesDoc } = require('../../lib/k8s/sites-doc');
    expect(require('fs').readFileSync(K8S_DOC, 'utf8')).to.equal(renderKubernetesSitesDoc(K8S_DOC_APPS));
  });
});
