#!/usr/bin/env node
// Builds everything Kiln runs from: the renderer (Vite) into dist/renderer, the Electron main
// process, preload and the web host (esbuild) into dist/, plus resources and prompts.
import { build as esbuild } from 'esbuild';
import { cpSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { build as viteBuild } from 'vite';
import { preloadAllowlistPlugin } from './preload-allowlist.mjs';
import { bundleDepsPlugin, requireBanner } from './bundle-deps.mjs';
import path from 'node:path';

const quiet = process.argv.includes('--quiet');
// KILN_DIST builds into another folder, so two checkouts' worth of work (or two people testing
// on one tree) don't delete each other's build mid-run; the e2e fixture reads the same variable.
const out = process.env.KILN_DIST ?? 'dist';
const t0 = Date.now();
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

await viteBuild({ configFile: 'vite.config.ts', logLevel: quiet ? 'error' : 'warn', build: { outDir: path.resolve(out, 'renderer'), emptyOutDir: true } });

const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, logLevel: 'warning' };

const allowlistAtBuild = await preloadAllowlistPlugin();
await Promise.all([
  // Main keeps npm packages external: they load from node_modules (packaged into the asar by
  // electron-builder), which keeps native addons like the keychain working. The web host bundles
  // only its pure-JS start-up packages; natives and on-demand drivers stay external there too.
  esbuild({ ...common, entryPoints: ['electron/main.ts'], outfile: `${out}/electron/main.mjs`, format: 'esm', packages: 'external' }),
  // The web host carries its pure-JS start-up packages inside (scripts/bundle-deps.mjs: faster start).
  esbuild({ ...common, entryPoints: ['electron/webhost.ts'], outfile: `${out}/webhost.mjs`, format: 'esm', plugins: [bundleDepsPlugin()], banner: { js: requireBanner } }),
  // A sandboxed preload must be one CommonJS file that requires nothing but `electron`.
  esbuild({ ...common, entryPoints: ['electron/preload.ts'], outfile: `${out}/electron/preload.cjs`, format: 'cjs', external: ['electron'], plugins: [allowlistAtBuild] }),
]);

for (const dir of ['resources', 'prompts']) {
  if (existsSync(dir)) cpSync(dir, `${out}/${dir}`, { recursive: true, filter: (src) => !src.endsWith('.test.ts') });
}
if (!quiet) console.log(`Built ${out}/ in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
