'use strict';
/**
 * Loads TypeScript files (site apps, and quadlet-cdk's own sources in a checkout) through esbuild,
 * transpile-only, as CommonJS. The JavaScript is cached on disk under the SHA-256 of the file name
 * and content, so an unchanged file costs one read and one hash, and esbuild is not even loaded
 * when every file is cached. Type-checking stays with `tsc --noEmit` (`npm test`).
 *
 * Why esbuild: it transpiles a file in well under a millisecond and is one maintained package with a
 * prebuilt binary; ts-node type-transpiles through the TypeScript compiler (seconds), tsx adds its
 * own loader layer on top of esbuild, @swc/core is a much larger native download, and Node's own
 * type stripping needs Node 22.18+ (this package supports Node 20.19+) and does not turn `import`
 * into `require`.
 *
 * Plain JavaScript on purpose: it must run before anything can load TypeScript.
 */
const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');

/** Bump when the transform options change, so old cache entries are not reused. */
const CACHE_VERSION = '2';
const OPTIONS = {
  loader: 'ts',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'inline',
  sourcesContent: false,
  // the library is compiled by tsc with target ES2022, which defines class fields
  tsconfigRaw: { compilerOptions: { useDefineForClassFields: true } },
};

let esbuild; // loaded on the first cache miss only

/**
 * The cache folder: $QUADLET_CDK_CACHE_DIR, else node_modules/.cache/quadlet-cdk/ts of the working
 * folder when it has node_modules, else ~/.cache/quadlet-cdk/ts (never a shared temp folder, where
 * another user could plant code).
 */
function defaultCacheDir() {
  if (process.env.QUADLET_CDK_CACHE_DIR) return process.env.QUADLET_CDK_CACHE_DIR;
  const nm = path.join(process.cwd(), 'node_modules');
  if (fs.existsSync(nm)) return path.join(nm, '.cache', 'quadlet-cdk', 'ts');
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'quadlet-cdk', 'ts');
}

/** The JavaScript for `source`, from the cache or freshly transpiled (and then cached). */
function transpile(source, filename, cacheDir) {
  const key = crypto.createHash('sha256').update(`${CACHE_VERSION}\0${filename}\0`).update(source).digest('hex');
  const cached = path.join(cacheDir, key.slice(0, 2), `${key}.js`);
  try {
    return fs.readFileSync(cached, 'utf8');
  } catch {
    // a miss: transpile below
  }
  esbuild = esbuild || require('esbuild');
  const { code } = esbuild.transformSync(source, { ...OPTIONS, sourcefile: filename });
  try {
    fs.mkdirSync(path.dirname(cached), { recursive: true });
    const tmp = `${cached}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, code);
    fs.renameSync(tmp, cached); // atomic: a concurrent run reads a whole entry or none
  } catch {
    // a read-only cache only costs speed
  }
  return code;
}

/**
 * Registers the `.ts` loader for `require`, unless one is registered already (ts-node under mocha,
 * for instance). Files under node_modules are never transpiled. Returns whether it registered.
 */
function register(options = {}) {
  if (require.extensions['.ts']) return false;
  const cacheDir = options.cacheDir || defaultCacheDir();
  // Stack traces map back to the TypeScript under `node --enable-source-maps` (NODE_OPTIONS);
  // mapping by default would cost every run about 15% of its start-up.
  require.extensions['.ts'] = function loadTypeScript(module, filename) {
    const source = fs.readFileSync(filename, 'utf8');
    if (filename.includes(`${path.sep}node_modules${path.sep}`)) throw new Error(`quadlet-cdk does not transpile TypeScript inside node_modules: ${filename}`);
    module._compile(transpile(source, filename, cacheDir), filename);
  };
  return true;
}

module.exports = { register, transpile, defaultCacheDir };
