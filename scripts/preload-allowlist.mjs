// The preload's allowlist as two literal lists, computed from the contract at build time and
// swapped in for shared/contract/allowlist-names.ts in the preload bundle only, so the preload
// doesn't carry zod and the whole contract (796 KB before, a few KB now).
import { build } from 'esbuild';

export async function allowlistFromContract() {
  const r = await build({ entryPoints: ['shared/contract/allowlist-names.ts'], bundle: true, write: false, format: 'esm', platform: 'node', logLevel: 'warning' });
  const mod = await import(`data:text/javascript;base64,${Buffer.from(r.outputFiles[0].text).toString('base64')}`);
  return { channels: [...mod.allowlistChannels], events: [...mod.allowlistEvents] };
}

export async function preloadAllowlistPlugin() {
  const { channels, events } = await allowlistFromContract();
  const contents = `export const allowlistChannels = ${JSON.stringify(channels)};\nexport const allowlistEvents = ${JSON.stringify(events)};\n`;
  return {
    name: 'preload-allowlist',
    setup(b) {
      b.onLoad({ filter: /shared[\\/]contract[\\/]allowlist-names\.ts$/ }, () => ({ contents, loader: 'js' }));
    },
  };
}

/** The preload bundled as scripts/build.mjs bundles it, in memory (for the size test and benchmark). */
export async function bundlePreload({ withAllowlist = true } = {}) {
  const r = await build({
    entryPoints: ['electron/preload.ts'],
    bundle: true,
    write: false,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['electron'],
    logLevel: 'error',
    plugins: withAllowlist ? [await preloadAllowlistPlugin()] : [],
  });
  return r.outputFiles[0].text;
}
