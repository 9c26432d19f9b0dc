/**
 * Gallery list at scale: 200 and 2,000 artifacts of 20 files each, cold (fresh store) and
 * warm (cached by metadata.json stat), against a naive full rescan (walk every folder, read
 * and parse every record) run in the same process. Target: warm 2,000 under 100 ms.
 *
 *   node scripts/run-ts.mjs bench/artifact-list.ts
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { walkFiles } from '../electron/services/artifacts/files';
import { parseRecord } from '../electron/services/artifacts/record';
import { ArtifactStore } from '../electron/services/artifacts/store';
import { ArtifactWatcher } from '../electron/services/artifacts/watcher';
import { FILES_PER_ARTIFACT, makeWorkspace } from './fixtures/workspace';

const WARM_RUNS = 15;

/** What a store without a cache does: every list walks every folder and parses every record. */
async function naiveList(root: string): Promise<number> {
  const names = await fs.readdir(root);
  const items = await Promise.all(
    names.map(async (name) => {
      const dir = path.join(root, name);
      const [raw, files] = await Promise.all([fs.readFile(path.join(dir, 'metadata.json'), 'utf8'), walkFiles(dir)]);
      const parsed = parseRecord(raw, name);
      return parsed.ok ? { ...parsed.record, fileCount: files.length } : null;
    }),
  );
  items.sort((a, b) => (b?.updatedAt ?? '').localeCompare(a?.updatedAt ?? ''));
  return items.length;
}

async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const t0 = performance.now();
  const out = await fn();
  return [performance.now() - t0, out];
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
};

async function main(): Promise<void> {
  const rows: string[] = [];
  for (const count of [200, 2000]) {
    const ws = await makeWorkspace(count);
    try {
      const root = path.join(ws, '.anton', 'artifacts');
      const store = new ArtifactStore({ workspaceDir: () => ws });
      const [cold, list] = await time(() => store.list());
      if (list.length !== count || list.some((i) => i.damaged)) throw new Error('bench workspace is wrong');
      const warm: number[] = [];
      for (let i = 0; i < WARM_RUNS; i++) warm.push((await time(() => store.list()))[0]);
      const watcher = new ArtifactWatcher(store);
      const [watchStart] = await time(() => watcher.start());
      await store.list();
      const watched: number[] = [];
      for (let i = 0; i < WARM_RUNS; i++) watched.push((await time(() => store.list()))[0]);
      await watcher.stop();
      const naive: number[] = [];
      for (let i = 0; i < 5; i++) naive.push((await time(() => naiveList(root)))[0]);
      const w = median(warm);
      const n = median(naive);
      rows.push(
        `| ${count} | ${cold.toFixed(1)} | ${w.toFixed(1)} | ${median(watched).toFixed(2)} | ${n.toFixed(1)} | ${(n / w).toFixed(1)}x | ${watchStart.toFixed(0)} | ${count === 2000 ? `${w < 100 ? 'yes' : 'no'} / ${median(watched) < 100 ? 'yes' : 'no'}` : '–'} |`,
      );
    } finally {
      await fs.rm(ws, { recursive: true, force: true });
    }
  }
  console.log(`artifact list, ${FILES_PER_ARTIFACT} files per artifact, warm = median of ${WARM_RUNS}, naive = median of 5 (ms)`);
  console.log('| artifacts | cold list | warm list (stat-checked) | warm list (watcher-backed) | naive full rescan | naive / warm stat-checked | watcher start | warm 2,000 < 100 ms (stat-checked / watcher-backed) |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|:---:|');
  for (const r of rows) console.log(r);
}

await main();
