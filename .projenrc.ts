import { DependencyType, javascript, JsonFile, typescript } from 'projen';

/**
 * quadlet-cdk's own project definition. projen writes package.json, tsconfig*.json,
 * .gitignore, .mocharc.json and .projen/ from this file: edit here, then run `npx projen`.
 */
const project = new typescript.TypeScriptProject({
  name: 'quadlet-cdk',
  description: 'A TypeScript construct library that compiles a typed site tree into Podman Quadlet units, systemd units, Caddy routes and LLM gateway configs, checked against each other before anything is written.',
  license: 'Apache-2.0',
  copyrightOwner: 'quadlet-cdk authors',
  defaultReleaseBranch: 'main',
  projenrcTs: true,
  packageManager: javascript.NodePackageManager.NPM,
  typescriptVersion: '~5.9.3', // 7.x is the native port and breaks ts-node
  minNodeVersion: '20.19.0', // also keeps projen from asking for a missing @types/node@ts5.9 tag
  srcdir: 'lib',
  libdir: 'build',
  entrypoint: 'build/index.js',
  testdir: 'test',
  sampleCode: false,
  jest: false,
  eslint: false,
  prettier: false,
  github: false,
  release: false,
  depsUpgrade: false,
  pullRequestTemplate: false,
  // esbuild: the `quadlet-cdk` command loads TypeScript apps through it (bin/ts-hook.js explains why).
  // kubernetes-models: typed Kubernetes objects with their OpenAPI validators (lib/k8s).
  deps: ['constructs@^10.4.2', 'yaml@^2.8.0', 'ajv@^8.17.1', 'smol-toml@^1.9.1', 'esbuild@^0.28.0', 'kubernetes-models@~4.5.1'],
  // A site repo can use our projen component (quadlet-cdk/build/projen); projen itself stays optional.
  peerDeps: ['projen@^0.103.25'],
  peerDependencyOptions: { pinnedDevDependency: false },
  devDeps: [
    'mocha@^11', 'chai@^4.5.0', '@types/mocha', '@types/chai@^4', 'fast-check@^4', 'ts-node@^10.9.2',
    // The reference side of `npm run bench` only (bench/cdk8s-shapes.ts); never imported by lib/.
    'cdk8s@^2.70.0', 'cdk8s-plus-31@^2.6.0',
    // The API reference in docs/api/ (`npx projen docs`, checked by test/docs/api-reference.test.ts).
    'typedoc@^0.28.0', 'typedoc-plugin-markdown@^4.9.0',
  ],
  tsconfig: {
    compilerOptions: {
      lib: ['es2022'],
      target: 'ES2022',
      resolveJsonModule: true,
      esModuleInterop: true,
      noUnusedLocals: true,
      noUnusedParameters: true,
      noImplicitReturns: true,
      noFallthroughCasesInSwitch: true,
      skipLibCheck: true, // fast-check 4's typings need node16 resolution; our own code is still fully checked
    },
  },
  tsconfigDev: {
    include: ['../lib/**/*.ts', '../apps/**/*.ts', '../examples/**/*.ts', '../bench/**/*.ts', '../.projenrc.ts'],
    compilerOptions: {},
  },
  projenrcTsOptions: {
    runner: typescript.TypeScriptRunner.tsNode({ typeCheck: false }),
  },
});

// constructs is a runtime dependency; the manual bootstrap also listed it as a dev one.
project.deps.removeDependency('constructs', DependencyType.BUILD);

// Tests: fetch the validators when they are missing (fails, saying why, when it cannot: offline),
// type-check everything (lib, apps, examples, tests) once, then run mocha transpile-only. Under
// `npm test` a test that needs a validator never skips.
project.testTask.reset();
project.testTask.env('QUADLET_CDK_REQUIRE_VALIDATORS', '1');
project.testTask.exec('bash scripts/ensure-validators.sh --require');
project.testTask.exec('tsc --noEmit -p test/tsconfig.json');
// The spec list lives here, not in .mocharc.json: mocha adds named files to a configured spec list,
// so `npx mocha test/x/y.test.ts` would run the whole suite instead of one file.
project.testTask.exec("mocha 'test/**/*.test.ts'", { receiveArgs: true });
new JsonFile(project, '.mocharc.json', {
  obj: {
    // test/root-hooks.ts refuses UPDATE_* variables under CI before any test runs.
    'require': ['ts-node/register/transpile-only', 'test/root-hooks.ts'],
    'extension': ['ts'],
    'timeout': 60000,
    'reporter': 'spec',
    // A committed `.only` would silently skip the rest of the suite; `--no-forbid-only` allows one locally.
    'forbid-only': true,
  },
});

// The `quadlet-cdk` command (lib/cli) is bin/quadlet-cdk (projen lists every executable in bin/).
// In this checkout it runs the sources through its cached esbuild loader; installed, build/.
// `npx projen synth` synthesizes every app under apps/ into dist/<app>/, through that same command.
project.addTask('synth', {
  description: 'Synthesize every app under apps/ into dist/<app>/ (quadlet-cdk synth)',
  exec: 'node bin/quadlet-cdk synth --apps apps --out dist',
  receiveArgs: true,
});
// `npx projen synth:examples` synthesizes every example (examples/<name>/app.ts) into dist/examples/<name>/.
project.addTask('synth:examples', {
  description: 'Synthesize every example under examples/ into dist/examples/<name>/',
  exec: 'node bin/quadlet-cdk synth --apps examples --out dist/examples',
  receiveArgs: true,
});
// Projen evaluates a global PATH of `$(npx -c "node --print process.env.PATH")` before every task:
// a whole npm start-up, about half of `npx projen synth`. `npx projen <task>` and `npm run` already
// put node_modules/.bin on PATH, so the tasks find ts-node, mocha, tsc and typedoc without it.
project.tryFindObjectFile('.projen/tasks.json')!.addDeletionOverride('env.PATH');
// `npm pack` ships build/: compiled from a clean folder so no output of a removed source lingers.
project.addScripts({ prepack: 'node -e "require(\'fs\').rmSync(\'build\',{recursive:true,force:true})" && tsc -p tsconfig.json' });
// The API reference: TypeDoc with typedoc-plugin-markdown, from the TSDoc of everything the package
// exports (the root, the projen component, the testing helpers, the CLI command interface).
new JsonFile(project, 'typedoc.json', {
  marker: false, // TypeDoc refuses unknown keys such as projen's "//" marker
  obj: {
    entryPoints: ['lib/index.ts', 'lib/projen/index.ts', 'lib/testing/index.ts', 'lib/cli/command.ts'],
    tsconfig: 'tsconfig.json',
    out: 'docs/api',
    plugin: ['typedoc-plugin-markdown'],
    readme: 'none',
    name: 'quadlet-cdk API reference',
    disableSources: true, // no source links: they would name a commit and change with every one
    excludePrivate: true,
    excludeInternal: true,
    validation: { notExported: false, invalidLink: false, notDocumented: false },
  },
});
project.npmignore?.exclude('/typedoc.json');
project.addTask('docs', {
  description: 'Regenerate docs/diagnostics.md, docs/sodimo.md, docs/sodimo-host.md, docs/kubernetes-sites.md, docs/api/, the quadlet key props and the precompiled LLM schema validators',
  exec: [
    'ts-node --transpileOnly --project test/tsconfig.json lib/cli/docs.ts',
    'ts-node --transpileOnly --project test/tsconfig.json scripts/gen-quadlet-props.ts',
    'ts-node --transpileOnly --project test/tsconfig.json scripts/gen-validators.ts',
    'ts-node --transpileOnly --project test/tsconfig.json lib/cli/app-docs.ts apps/sodimo.ts docs/sodimo.md docs/sodimo.md',
    'ts-node --transpileOnly --project test/tsconfig.json lib/cli/app-docs.ts apps/sodimo.ts docs/sodimo-host.md docs/sodimo-host.md',
    'ts-node --transpileOnly --project test/tsconfig.json scripts/gen-k8s-docs.ts',
    'typedoc --options typedoc.json --logLevel Warn',
  ].join(' && '),
});
project.addTask('validators', {
  description: 'Install the external validators (quadlet generator, caddy) into .tools/',
  exec: 'bash scripts/ensure-validators.sh',
  receiveArgs: true,
});

// `npx projen e2e`: the real run (root; docs/real-run.md). Boots Debian 13 with systemd and rootless
// Podman from a rootfs cached under /var/cache, starts examples/real-run and apps/sodimo.ts, runs their checks.
project.addTask('e2e', {
  description: 'Real run (root): boot Debian 13 with systemd + rootless Podman, start the example and reference sites, run their checks',
  exec: 'ts-node --transpileOnly --project test/tsconfig.json test/e2e/run.ts',
  receiveArgs: true,
});
// `npx projen e2e:host`: issue 18's real run in a machine of its own (docs/real-run.md, "Host prerequisites").
project.addTask('e2e:host', {
  description: 'Real run (root): the reference site as synthesized with the host prepared from its declared prerequisites, and a slowly failing unit that must end failed',
  exec: 'ts-node --transpileOnly --project test/tsconfig.json test/e2e/host-run.ts',
  receiveArgs: true,
});
// `npx projen e2e:templates`: template instances and drop-ins on the real-run machine (docs/templates.md).
project.addTask('e2e:templates', {
  description: 'Real run (root): template instances started by name and drop-ins on systemd + rootless Podman 5.4.2',
  exec: 'ts-node --transpileOnly --project test/tsconfig.json test/e2e/templates.ts',
  receiveArgs: true,
});
// `npx projen e2e:bundles`: `.quadlets` bundles through `podman quadlet install` on a Debian
// unstable machine (podman 5.8; docs/bundles.md), with its own cached rootfs.
project.addTask('e2e:bundles', {
  description: 'Real run (root): a .quadlets bundle installed, listed, printed, replaced and removed with podman quadlet on systemd + rootless Podman 5.8 (Debian unstable)',
  exec: 'ts-node --transpileOnly --project test/tsconfig.json test/e2e/bundles.ts',
  receiveArgs: true,
});

// `npx projen e2e:deploy`: quadlet-cdk apply and the chezmoi deploy script on the same machine
// (root; docs/deploy.md): one env change restarts one unit, a failing change rolls back, a removed unit goes.
project.addTask('e2e:deploy', {
  description: 'Real run (root): apply a site, change it, fail a change and roll back, remove a unit, run the chezmoi script',
  exec: 'ts-node --transpileOnly --project test/tsconfig.json test/e2e/deploy.ts',
  receiveArgs: true,
});

// `npm run bench`: compiles lib + bench with tsc into a temp folder, then times synth in a fresh
// node process per size, next to cdk8s + cdk8s-plus building the same shapes. Never run by tests.
project.addTask('bench', {
  description: 'Benchmark synth (25, 1,000, 10,000 containers; dense graphs) against cdk8s + cdk8s-plus; prints a table',
  exec: 'ts-node --transpileOnly --project test/tsconfig.json bench/run.ts',
  receiveArgs: true,
});

project.package.addField('peerDependenciesMeta', { projen: { optional: true } });
// npm >= 11.19 runs a dependency's install scripts only when allowScripts says so, and warns about
// each one it skipped. esbuild's postinstall only checks its binary and swaps its CLI shim for it:
// the binary comes from @esbuild/<platform> and the JS API we call works without the script.
project.package.addField('allowScripts', { esbuild: false });
// The tarball ships the library and its typings, not the validators, benches or the reference apps.
project.npmignore?.exclude('/.tools/', '/.ci/', '/bench/', '/apps/', '/examples/', '/scripts/', '/.mocharc.json', '/dist/');

project.gitignore.exclude('/dist/', '/.tools/', '/.quadlet-cdk-*', '*.tsbuildinfo');
project.synth();
