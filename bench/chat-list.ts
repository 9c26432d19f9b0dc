// chat.list at 1,000 conversations (10 turns each): Kiln's conversation store with its index —
// first list in a process without an index (it builds one), first list with the index on disk,
// and warm lists — against what listing did before the index: read and summarise every log,
// measured in the same run. Target: warm ≤ 20 ms.
// Run: node scripts/run-ts.mjs bench/chat-list.ts
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConversationStore, summarise } from '../electron/services/agent/conversation-store';
import { addConversations } from './fixtures/workspace';
import { endpoints } from '../shared/contract/index';
import { median } from './fixtures/stats';

const COUNT = 1000;
const WARM_RUNS = 20;

async function time(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** Listing without an index: every log read and summarised (the code before the index). */
async function naive(store: ConversationStore): Promise<number> {
  const names = await fs.readdir(store.dir());
  let n = 0;
  for (const name of names.filter((x) => x.endsWith('.jsonl'))) {
    const id = name.slice(0, -6);
    summarise(id, await store.read(id), false);
    n++;
  }
  return n;
}

async function main(): Promise<void> {
  const ws = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-bench-chatlist-'));
  try {
    await addConversations(ws, COUNT);
    const naiveMs: number[] = [];
    for (let i = 0; i < 5; i++) naiveMs.push(await time(() => naive(new ConversationStore(() => ws))));
    const building = new ConversationStore(() => ws);
    const buildMs = await time(() => building.list());
    await building.flushIndex();
    const coldMs: number[] = [];
    for (let i = 0; i < 5; i++) coldMs.push(await time(() => new ConversationStore(() => ws).list()));
    const warmStore = new ConversationStore(() => ws);
    await warmStore.list();
    const warmMs: number[] = [];
    for (let i = 0; i < WARM_RUNS; i++) warmMs.push(await time(() => warmStore.list()));
    // What the router adds to every answer: the contract's output validation.
    const routedMs: number[] = [];
    for (let i = 0; i < WARM_RUNS; i++) routedMs.push(await time(async () => endpoints['chat.list'].output.parse(await warmStore.list())));
    const listed = (await warmStore.list()).length;
    if (listed !== COUNT) throw new Error(`listed ${listed}, expected ${COUNT}`);
    const b = median(naiveMs);
    const row = (name: string, xs: number[]): string => `| ${name} | ${median(xs).toFixed(1)} | ${Math.min(...xs).toFixed(1)} | ${Math.max(...xs).toFixed(1)} | ${(median(xs) / b).toFixed(3)}× |`;
    console.log(`chat.list, ${COUNT} conversations × 10 turns; load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
    console.log('| case | median ms | min | max | vs baseline |');
    console.log('|---|---:|---:|---:|---:|');
    console.log(row('baseline: read and summarise every log (before the index)', naiveMs));
    console.log(row('first list, no index yet (builds it)', [buildMs]));
    console.log(row('first list in a new process, index on disk', coldMs));
    console.log(row('warm list', warmMs));
    console.log(row('warm list + the contract\'s output validation (as chat.list answers)', routedMs));
    console.log(`\ntarget: chat.list warm ≤ 20 ms → ${median(routedMs).toFixed(1)} ms with validation: ${median(routedMs) <= 20 ? 'met' : 'NOT met'}`);
  } finally {
    await fs.rm(ws, { recursive: true, force: true });
  }
}

await main();
