import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ConversationStore } from './conversation-store';

let ws: string;
beforeEach(async () => {
  ws = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-convindex-'));
});
afterEach(async () => {
  await fs.rm(ws, { recursive: true, force: true });
});

const dir = (): string => path.join(ws, '.kiln', 'conversations');

async function seed(store: ConversationStore, title: string, turns: number): Promise<string> {
  const id = await store.create(title);
  for (let i = 0; i < turns; i++) {
    await store.append(id, { type: 'turn_started', turnId: `t-${i}`, prompt: `question ${i}` });
    await store.append(id, { type: 'turn_finished', turnId: `t-${i}`, status: 'done' });
  }
  return id;
}

it('lists from the index after a restart without parsing unchanged logs, and agrees with the logs', async () => {
  const a = new ConversationStore(() => ws);
  const one = await seed(a, 'One', 2);
  const two = await seed(a, '', 1);
  await a.flushIndex();
  const before = await a.list();
  expect(before.map((s) => [s.id, s.title, s.turns])).toEqual([
    [two, 'question 0', 1],
    [one, 'One', 2],
  ]);
  const index = JSON.parse(await fs.readFile(path.join(dir(), 'index.json'), 'utf8')) as { entries: Record<string, unknown> };
  expect(Object.keys(index.entries).sort()).toEqual([one, two].sort());

  // A fresh process reads the index; a log it would parse is made unparsable to prove it isn't read.
  const b = new ConversationStore(() => ws);
  let reads = 0;
  const read = b.read.bind(b);
  b.read = async (id) => {
    reads++;
    return read(id);
  };
  expect(await b.list()).toEqual(before);
  expect(reads).toBe(0);
});

it('rebuilds a stale entry (a log changed behind its back) and a damaged index from the logs', async () => {
  const a = new ConversationStore(() => ws);
  const id = await seed(a, 'Stale', 1);
  await a.flushIndex();
  // Another Kiln (or a crash before the index was written) appended a renamed event.
  await fs.appendFile(path.join(dir(), `${id}.jsonl`), `${JSON.stringify({ seq: 99, at: new Date(Date.now() + 1000).toISOString(), event: { type: 'conversation_renamed', title: 'Renamed elsewhere' } })}\n`);
  expect((await new ConversationStore(() => ws).list())[0]!.title).toBe('Renamed elsewhere');
  await fs.writeFile(path.join(dir(), 'index.json'), '{"version":1,"entries":{"broken":');
  expect((await new ConversationStore(() => ws).list())[0]!.title).toBe('Renamed elsewhere');
});

it('follows appends, renames, retries and deletes while running, and knows which logs have open turns', async () => {
  const s = new ConversationStore(() => ws);
  const id = await seed(s, 'Live', 1);
  expect((await s.list())[0]!.turns).toBe(1);
  await s.append(id, { type: 'turn_started', turnId: 't-retry', prompt: 'again', replaces: 't-0' });
  await s.append(id, { type: 'conversation_renamed', title: 'Renamed' });
  const [summary] = await s.list();
  expect(summary).toMatchObject({ title: 'Renamed', turns: 1 });
  expect(await s.withOpenTurns()).toEqual([id]);
  await s.append(id, { type: 'turn_finished', turnId: 't-retry', status: 'done' });
  expect(await s.withOpenTurns()).toEqual([]);
  await s.delete(id);
  expect(await s.list()).toEqual([]);
  await s.flushIndex();
  expect(await new ConversationStore(() => ws).list()).toEqual([]);
});

it('a turn that starts while the first listing reads the logs keeps the conversation whole', async () => {
  const a = new ConversationStore(() => ws);
  const id = await seed(a, 'Whole', 2);
  await a.flushIndex();
  await fs.rm(path.join(dir(), 'index.json'));
  // A fresh process: its first list reads every log; a turn is appended in the middle of that.
  const b = new ConversationStore(() => ws);
  const read = b.read.bind(b);
  let started = false;
  b.read = async (rid) => {
    const entries = await read(rid);
    if (!started) {
      started = true; // the append reads the log too: only the listing's read waits for it
      await b.append(id, { type: 'turn_started', turnId: 't-new', prompt: 'more' });
    }
    return entries;
  };
  const [summary] = await b.list();
  expect(summary).toMatchObject({ id, title: 'Whole', turns: 3 });
  expect(await b.withOpenTurns()).toEqual([id]);
  await b.flushIndex();
  expect((await new ConversationStore(() => ws).list())[0]).toMatchObject({ title: 'Whole', turns: 3 });
});
