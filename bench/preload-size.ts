// The preload bundle's size: as built (the allowlist as literals, computed from the contract at
// build time) against the same preload bundled the way it was before (deriving the allowlist
// from the contract at run time, which pulls in zod and every schema), in the same run.
// Run: node scripts/run-ts.mjs bench/preload-size.ts
// @ts-expect-error — a build script in plain JS, without types
import { bundlePreload } from '../scripts/preload-allowlist.mjs';

const size = async (withAllowlist: boolean): Promise<number> =>
  Buffer.byteLength(await (bundlePreload as (o: { withAllowlist: boolean }) => Promise<string>)({ withAllowlist }));

const before = await size(false);
const now = await size(true);
console.log('| preload bundle | bytes | KB | vs before |');
console.log('|---|---:|---:|---:|');
console.log(`| before: allowlist derived from the contract at run time (zod + schemas) | ${before} | ${(before / 1024).toFixed(1)} | 1.000× |`);
console.log(`| now: allowlist as literals from the build | ${now} | ${(now / 1024).toFixed(1)} | ${(now / before).toFixed(3)}× |`);
console.log(`\ntarget: a few KB → ${(now / 1024).toFixed(1)} KB: ${now <= 16 * 1024 ? 'met' : 'NOT met'}`);
