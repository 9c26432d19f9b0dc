import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConversationStore } from './conversation-store';

let ws: string;
let store: ConversationStore;
beforeEach(async () => {
  ws = await fs.mkdtemp(path.join(os.tmpdir(), 'kiln-conv-'));
  store = new ConversationStore(() => ws);
});
afterEach(() => fs.rm(ws, { recursive: true, force: true }));

describe('ConversationStore', () => {
  it('appends JSONL under <ws>/.kiln/conversations with increasing seq, and reads it back', async () => {
    const id = await store.create('Hello');
    await store.append(id, { type: 'turn_started', turnId: 't1', prompt: 'hi' });
    await Promise.all([
      store.append(id, { type: 'text_delta', turnId: 't1', text: 'a' }),
      store.append(id, { type: 'text_delta', turnId: 't1', text: 'b' }),
    ]);
    const file = path.join(ws, '.kiln', 'conversations', `${id}.jsonl`);
    const lines = (await fs.readFile(file, 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(4);
    const entries = await store.read(id);
    expect(entries.map((e) => e.seq)).toEqual([0, 1, 2, 3]);
    expect(entries.map((e) => (e.event.type === 'text_delta' ? e.event.text : '')).join('')).toBe('ab');
  });

  it('survives a torn last line: skips it on read and continues the log after it', async () => {
    const id = await store.create('Torn');
    const file = path.join(ws, '.kiln', 'conversations', `${id}.jsonl`);
    await fs.appendFile(file, '{"seq":1,"at":"x","event":{"type":"text_del');
    const fresh = new ConversationStore(() => ws);
    expect(await fresh.read(id)).toHaveLength(1);
    await fresh.append(id, { type: 'turn_started', turnId: 't', prompt: 'again' });
    const entries = await fresh.read(id);
    expect(entries.map((e) => e.event.type)).toEqual(['conversation_created', 'turn_started']);
    expect(entries[1]!.seq).toBe(1);
  });

  it('lists newest first with titles (renamed, or the first prompt) and turn counts', async () => {
    // Only the clock is faked, so each step has its own millisecond on a fast machine too.
    vi.useFakeTimers({ toFake: ['Date'], now: Date.parse('2026-12-01T10:00:00Z') });
    try {
      const a = await store.create('');
      vi.advanceTimersByTime(5);
      await store.append(a, { type: 'turn_started', turnId: 't1', prompt: 'Plot the NVDA price' });
      vi.advanceTimersByTime(5);
      const b = await store.create('Second');
      vi.advanceTimersByTime(5);
      await store.append(b, { type: 'conversation_renamed', title: 'Renamed' });
      const list = await store.list();
      expect(list.map((c) => c.title)).toEqual(['Renamed', 'Plot the NVDA price']);
      expect(list[1]!.turns).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('orders chats touched in the same millisecond by which began later', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.parse('2026-12-01T10:00:00Z') });
    try {
      const a = await store.create('Older');
      vi.advanceTimersByTime(5);
      const b = await store.create('Newer');
      await store.append(a, { type: 'conversation_renamed', title: 'Older, renamed' });
      await store.append(b, { type: 'conversation_renamed', title: 'Newer, renamed' });
      const list = await store.list();
      expect(list.map((c) => c.title)).toEqual(['Newer, renamed', 'Older, renamed']);
    } finally {
      vi.useRealTimers();
    }
  });

  it('deletes a conversation, and refuses ids that could escape the folder', async () => {
    const id = await store.create('x');
    await store.delete(id);
    expect(await store.list()).toEqual([]);
    await expect(store.read(id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(store.read('../../etc/passwd')).rejects.toMatchObject({ code: 'VALIDATION' });
  });
});
