// Which npm packages the web host bundle carries inside itself. Loading ~500 small ESM/CJS files
// from node_modules at start (resolve, stat, read, compile each: execa, zod, openai, ws…) cost the
// host ~0.5–1 s and ~6 MB before it could listen (bench/startup.ts); one bundled file costs a
// fraction of that. Everything else stays external and loads from node_modules as before:
// native addons (the keychain, the watcher) must, and the heavy drivers are loaded on first use
// by a dynamic import, which bundling would turn into start-up cost again.

/** Pure-JS packages imported at start-up by the host; their own dependencies come along. */
export const BUNDLED_PACKAGES = ['zod', 'execa', 'ws', 'openai', 'diff', 'pako', 'mime-types', 'get-port'];

const packageName = (spec) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);

/**
 * esbuild plugin: a bare import from Kiln's own code stays external unless its package is in
 * BUNDLED_PACKAGES; imports made inside a bundled package are bundled too (they are its
 * dependencies), except the optional native speed-ups `ws` tries to require.
 */
export function bundleDepsPlugin() {
  const optionalNative = new Set(['bufferutil', 'utf-8-validate']);
  return {
    name: 'bundle-deps',
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.path.startsWith('node:') || args.kind === 'entry-point') return undefined;
        const name = packageName(args.path);
        if (optionalNative.has(name)) return { path: args.path, external: true };
        const fromPackage = /[\\/]node_modules[\\/]/.test(args.importer);
        if (fromPackage || BUNDLED_PACKAGES.includes(name)) return undefined;
        return { path: args.path, external: true };
      });
    },
  };
}

/**
 * CommonJS code bundled into an ES module calls `require` for Node's built-ins; an ES module has
 * none, so the bundle defines one (esbuild's documented workaround).
 */
export const requireBanner = "import { createRequire as __kilnCreateRequire } from 'node:module';\nconst require = __kilnCreateRequire(import.meta.url);";
