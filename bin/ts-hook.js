'use strict';
/**
 * Loads TypeScript files (site apps, and quadlet-cdk's own sources in a checkout) through esbuild,
 * transpile-only, as CommonJS. The JavaScript is cached on disk under the SHA-256 of the file name
 * and content, so an unchanged file costs one read and one hash, and esbuild is not even loaded
 * when every file is cached. Type-checking stays with `tsc --noEmit` (`npm test`).
 *
 * Beside each cached file goes V8's code cache for it (the bytecode of the module and of the
 * functions that ran), so a later run neither parses nor compiles it again. The source map goes to
 * its own file, read only under `node --enable-source-maps`: inline, it doubled what every run
 * reads and scans.
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
const Module = require('module');
const os = require('os');
const path = require('path');
const vm = require('vm');

/** Bump when the transform options change, so old cache entries are not reused. */
const CACHE_VERSION = '3';
const OPTIONS = {
  loader: 'ts',
  format: 'cjs',
  target: 'node20',
  sourcemap: 'external',
  sourcesContent: false,
  // the library is compiled by tsc with target ES2022, which defines class fields
  tsconfigRaw: { compilerOptions: { useDefineForClassFields: true } },
};
/** V8's code cache is only valid for the V8 that made it (V8 also checks, and rejects a stale one). */
const V8_TAG = process.versions.v8.replace(/[^0-9a-z]+/gi, '_');

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

/** The cache entry of one file's content, without extension: `<cacheDir>/ab/abcd....`. */
function cacheEntry(source, filename, cacheDir) {
  const key = crypto.createHash('sha256').update(`${CACHE_VERSION}\0${filename}\0`).update(source).digest('hex');
  return path.join(cacheDir, key.slice(0, 2), key);
}

/** Writes `data` to `file` atomically: a concurrent run reads a whole entry or none. */
function writeAtomically(file, data) {
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

/** The JavaScript for `source`, from the cache or freshly transpiled (and then cached). */
function transpile(source, filename, cacheDir, entry = cacheEntry(source, filename, cacheDir)) {
  const cached = `${entry}.js`;
  try {
    return fs.readFileSync(cached, 'utf8');
  } catch {
    // a miss: transpile below
  }
  esbuild = esbuild || require('esbuild');
  const { code: body, map } = esbuild.transformSync(source, { ...OPTIONS, sourcefile: filename });
  // Relative to the TypeScript file: node reads a source map only from a relative (or data:) URL.
  const mapUrl = path.relative(path.dirname(filename), `${cached}.map`).split(path.sep).map(encodeURIComponent).join('/');
  const code = `${body}//# sourceMappingURL=${mapUrl}\n`;
  try {
    fs.mkdirSync(path.dirname(cached), { recursive: true });
    writeAtomically(`${cached}.map`, map); // first: an entry's map is there when the entry is
    writeAtomically(cached, code);
  } catch {
    // a read-only cache only costs speed
  }
  return code;
}

/** Scripts compiled without a usable code cache; theirs is written when the process exits. */
const pendingCodeCaches = [];

function writeCodeCaches() {
  for (const { script, file } of pendingCodeCaches.splice(0)) {
    try {
      writeAtomically(file, script.createCachedData());
    } catch {
      // a read-only cache only costs speed
    }
  }
}

/** The `require` a module's code gets: what node gives a module it compiles itself. */
function requireFor(module) {
  const require = (id) => module.require(id);
  require.resolve = (request, options) => Module._resolveFilename(request, module, false, options);
  require.resolve.paths = (request) => Module._resolveLookupPaths(request, module);
  require.main = process.mainModule;
  require.extensions = Module._extensions;
  require.cache = Module._cache;
  return require;
}

/**
 * Runs a module's JavaScript as `module._compile` does, with V8's code cache in `cacheFile`.
 * Created when the process exits, the cache holds every function this run compiled, not only the
 * module's top level.
 */
function compileWithCodeCache(module, code, filename, cacheFile) {
  let cachedData;
  try {
    cachedData = fs.readFileSync(cacheFile);
  } catch {
    // none yet
  }
  const script = new vm.Script(Module.wrap(code), { filename, cachedData });
  if (cachedData === undefined || script.cachedDataRejected) {
    if (pendingCodeCaches.length === 0) process.once('exit', writeCodeCaches);
    pendingCodeCaches.push({ script, file: cacheFile });
  }
  const wrapper = script.runInThisContext({ displayErrors: true });
  return wrapper.call(module.exports, module.exports, requireFor(module), module, filename, path.dirname(filename));
}

/**
 * Registers the `.ts` loader for `require`, unless one is registered already (ts-node under mocha,
 * for instance). Files under node_modules are never transpiled. Returns whether it registered.
 */
function register(options = {}) {
  if (require.extensions['.ts']) return false;
  const cacheDir = options.cacheDir || defaultCacheDir();
  require.extensions['.ts'] = function loadTypeScript(module, filename) {
    const source = fs.readFileSync(filename, 'utf8');
    if (filename.includes(`${path.sep}node_modules${path.sep}`)) throw new Error(`quadlet-cdk does not transpile TypeScript inside node_modules: ${filename}`);
    const entry = cacheEntry(source, filename, cacheDir);
    const code = transpile(source, filename, cacheDir, entry);
    // Node compiles the module itself under `node --enable-source-maps` (it maps stack traces
    // only for code it compiled) and when it has `import()` (which, from a vm.Script, node 20
    // resolves only with an experimental flag and a warning).
    if (process.sourceMapsEnabled || code.includes('import(')) module._compile(code, filename);
    else compileWithCodeCache(module, code, filename, `${entry}.${V8_TAG}.v8`);
  };
  return true;
}

module.exports = { register, transpile, defaultCacheDir };
