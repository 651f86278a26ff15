/**
 * A catalogue of hosts that `quadlet-cdk apply` refuses or fails on, each with the DEPLOY code it
 * answers with. catalogue.test.ts checks every entry (a DeployError with the code, as an error)
 * and renders them into docs/errors-catalogue.md. `site` is the small site of test/deploy, and
 * the host is scripted (test/deploy/fake-host.ts): no systemctl runs.
 */
import * as fs from 'fs';
import * as path from 'path';
import { apply, ApplyOptions, DEPLOY_DIR, DeployError } from '../../lib/deploy';
import { FakeHost } from '../deploy/fake-host';
import { treeOf, Variant } from '../deploy/support';

export interface BadDeploy {
  /** The code apply must answer with. */
  readonly code: string;
  /** What is wrong, in a few words. */
  readonly what: string;
  /** Makes the host bad and runs apply on `root`; the DeployError it throws, or its result's failure. */
  readonly run: (root: string) => DeployError | undefined;
}

/** The host's env files with their secrets filled in, as an operator makes them from the templates. */
export function fillSecrets(root: string): void {
  fs.mkdirSync(path.join(root, '.config/test'), { recursive: true });
  fs.writeFileSync(path.join(root, '.config/test/app-db.env'), 'POSTGRES_PASSWORD=not-a-real-one\n');
  fs.writeFileSync(path.join(root, '.config/test/litellm.env'), 'LITELLM_MASTER_KEY=not-a-real-one\nLITELLM_SALT_KEY=not-a-real-one\n');
}

/** Runs apply on `root` with a scripted host; returns the DeployError thrown or the failure. */
function attempt(root: string, v: Variant, options: Partial<ApplyOptions> = {}, host = new FakeHost()): DeployError | undefined {
  try {
    return apply({ root, next: treeOf(v), host: host.host(v.rootless ?? true), uid: 1000, settleMs: 0, timeoutMs: 2000, ...options }).failure;
  } catch (e) {
    if (e instanceof DeployError) return e;
    throw e;
  }
}

export const BAD_DEPLOYS: BadDeploy[] = [
  { code: 'DEPLOY001', what: 'apply of a rootless site run as root (sudo)', run: (root) => {
    fillSecrets(root);
    return attempt(root, {}, { uid: 0 });
  } },
  { code: 'DEPLOY002', what: 'a change whose container exits at once (apply rolls back)', run: (root) => {
    fillSecrets(root);
    const host = new FakeHost();
    attempt(root, {}, {}, host);
    host.broken.add('worker.service');
    return attempt(root, { level: 'debug' }, {}, host);
  } },
  { code: 'DEPLOY003', what: 'another apply holds the root', run: (root) => {
    fillSecrets(root);
    fs.mkdirSync(path.join(root, DEPLOY_DIR));
    fs.writeFileSync(path.join(root, DEPLOY_DIR, '.quadlet-cdk.lock'), '1 another-apply'); // pid 1 always runs
    return attempt(root, {});
  } },
  { code: 'DEPLOY004', what: 'an env file on the host without the secrets its template declares', run: (root) => {
    fillSecrets(root);
    fs.writeFileSync(path.join(root, '.config/test/app-db.env'), 'POSTGRES_USER=app\nPOSTGRES_PASSWORD=\n');
    return attempt(root, {});
  } },
];
