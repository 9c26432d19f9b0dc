import { describe, expect, it } from 'vitest';
import { expectedChannels, expectedEvents } from '../shared/contract/allowlist.expected';
// @ts-expect-error — a build script in plain JS, without types
import { bundlePreload } from '../scripts/preload-allowlist.mjs';

const bundle = (): Promise<string> => (bundlePreload as () => Promise<string>)();

describe('preload bundle', () => {
  it('is a few KB (no zod, no contract) and still lets through exactly the contract\'s names', async () => {
    const text = await bundle();
    expect(text.length).toBeLessThan(16 * 1024);
    expect(text).not.toMatch(/zod|safeParse/);
    const lists = [...text.matchAll(/allowlist(Channels|Events) = (\[.*?\]);/g)].map((m) => JSON.parse(m[2]!) as string[]);
    expect(lists).toHaveLength(2);
    expect([...lists[0]!].sort()).toEqual([...expectedChannels].sort());
    expect([...lists[1]!].sort()).toEqual([...expectedEvents].sort());
  });
});
