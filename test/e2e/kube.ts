// Issue 17's real run: the Kubernetes output of examples/real-run, the part `podman kube play`
// supports, played by real Podman in the booted machine; its pods must reach each other by their
// Service names and answer on their ports.
import * as path from 'path';
import realRun from '../../examples/real-run/app';
import { downKube, KubePlaySet, kubePlaySet, Machine, playKube, StandInRole } from '../../lib/testing/machine';
import { synthSite } from './sites';

/** The Kubernetes output of examples/real-run and the stand-ins its pods need. */
export interface KubeScenario {
  readonly set: KubePlaySet;
  readonly images: Record<string, StandInRole>;
}

export function realRunKube(work: string): KubeScenario {
  const outDir = synthSite(path.join(work, 'real-run-k8s'), (app) => realRun(app), 'kubernetes');
  const set = kubePlaySet(path.join(outDir, 'k8s'), { statefulSetsAsDeployments: true, secretValue: 'kube-play-test-secret' });
  return {
    set,
    images: {
      'localhost/quadlet-cdk-e2e/app:1': 'app', 'localhost/quadlet-cdk-e2e/postgres:1': 'postgres',
      'localhost/quadlet-cdk-e2e/valkey:1': 'valkey', 'docker.io/library/busybox:1.37.0': 'busybox',
    },
  };
}

/** Plays the set, runs the checks, always removes the pods. Returns the checks passed; throws on the first failure. */
export function runKubeScenario(m: Machine, k: KubeScenario, say: (line: string) => void): number {
  say(`  kube play: ${k.set.played.length} objects (${k.set.converted.map((c) => `${c} as a Deployment`).join(', ')}); left out: ${k.set.left.join(', ')}`);
  let passed = 0;
  const ok = (what: string) => {
    passed++;
    say(`  ok  ${what}`);
  };
  try {
    const played = playKube(m, k.set, { network: 'real-run' });
    ok(`podman kube play exits 0 without a warning; every pod runs its containers (${Object.keys(k.set.workloads).join(', ')}) in ${played.seconds.toFixed(1)} s`);
    const exec = (cmd: string) => m.user(['podman', 'exec', 'notes-pod-notes', '/bin/busybox', 'sh', '-c', cmd], { timeoutMs: 120000 });
    const check = exec('wget -qO- -T 30 http://127.0.0.1:8080/cgi-bin/check');
    if (!/^postgres: ok as notes$/m.test(check.stdout) || !/^redis: ok PONG$/m.test(check.stdout)) {
      throw new Error(`notes does not reach notes-db and notes-redis by name: ${(check.stdout + check.stderr).trim().replace(/\n/g, ' | ')}`);
    }
    ok('notes reaches notes-db (password from the Secret) and notes-redis by their Service names');
    const hello = exec('wget -qO- -T 10 http://hello:8080/');
    if (hello.stdout.trim() !== 'hello') throw new Error(`hello:8080 answered "${(hello.stdout + hello.stderr).trim()}", expected "hello"`);
    const ports = { 'notes-db': 5432, 'notes-redis': 6379, hello: 8080, notes: 8080 } as Record<string, number>;
    // Debian's busybox nc has no -z: every stand-in image has standin-nc, which gives it one.
    const probe = exec(Object.entries(ports).map(([h, p]) => `/usr/local/bin/standin-nc -z -w 5 ${h} ${p} || echo ${h}:${p}`).join('; '));
    const closed = probe.stdout.trim();
    if (probe.status !== 0 || closed) throw new Error(`not answering from notes's pod: ${(closed + probe.stderr).trim().replace(/\n/g, ', ')}`);
    ok(`every pod answers on its port from another pod (${Object.entries(ports).map(([h, p]) => `${h}:${p}`).join(', ')})`);
    return passed;
  } catch (e) {
    const pods = m.user(['podman', 'ps', '-a', '--format', '{{.Names}} {{.Status}}']).stdout.trim();
    throw new Error(`kube play of real-run: ${e instanceof Error ? e.message : e}\n--- podman ps -a\n${pods}`);
  } finally {
    downKube(m);
  }
}
