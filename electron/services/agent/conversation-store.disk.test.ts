import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mountTmpfs, tmpfsUnavailable, type SmallDisk } from '../fs/testing-tmpfs';
import { ConversationStore } from './conversation-store';

const skip = tmpfsUnavailable();

describe.skipIf(skip !== null)('conversation log on a full disk (2 MB tmpfs)', () => {
  let disk: SmallDisk;
  beforeAll(async () => {
    disk = await mountTmpfs(2048);
  });
  afterAll(async () => {
    await disk?.unmount();
  });

  it('a failed append leaves no torn line: the turn sent after space is freed survives, in order', async () => {
    const store = new ConversationStore(() => disk.dir);
    const id = await store.create('Full disk');
    await store.append(id, { type: 'turn_started', turnId: 't1', prompt: 'before' });
    await disk.fill(1024);
    // A 64 KB answer chunk: part of it fits, then ENOSPC.
    const failed = store.append(id, { type: 'text_delta', turnId: 't1', text: 'x'.repeat(64 * 1024) });
    await expect(failed).rejects.toMatchObject({ code: 'IO', reason: 'disk-full' });
    await expect(failed).rejects.toThrow(/could not save this chat turn\. Free some space/);
    const file = path.join(disk.dir, '.kiln', 'conversations', `${id}.jsonl`);
    expect((await fs.readFile(file, 'utf8')).endsWith('\n')).toBe(true);

    await disk.free();
    await store.append(id, { type: 'turn_finished', turnId: 't1', status: 'error' });
    await store.append(id, { type: 'turn_started', turnId: 't2', prompt: 'after space came back' });
    await store.append(id, { type: 'text_delta', turnId: 't2', text: 'the answer' });
    await store.append(id, { type: 'turn_finished', turnId: 't2', status: 'done' });

    // Every line parses, and a fresh start (a new store) sees the second turn whole.
    const lines = (await fs.readFile(file, 'utf8')).trim().split('\n');
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    const entries = await new ConversationStore(() => disk.dir).read(id);
    const events = entries.map((e) => e.event);
    expect(events).toContainEqual({ type: 'turn_started', turnId: 't2', prompt: 'after space came back' });
    expect(events).toContainEqual({ type: 'text_delta', turnId: 't2', text: 'the answer' });
    expect(events.at(-1)).toEqual({ type: 'turn_finished', turnId: 't2', status: 'done' });
  });

  it('a torn line that could not be cut at once is cut before the next append', async () => {
    const store = new ConversationStore(() => disk.dir);
    const id = await store.create('Torn');
    const file = path.join(disk.dir, '.kiln', 'conversations', `${id}.jsonl`);
    // As a crash mid-append would leave it, behind the store's back.
    await fs.appendFile(file, '{"seq":1,"at":"2026-01-01T00:00:00Z","event":{"type":"text_del');
    const fresh = new ConversationStore(() => disk.dir);
    await fresh.append(id, { type: 'turn_started', turnId: 't', prompt: 'next' });
    const text = await fs.readFile(file, 'utf8');
    expect(text).not.toContain('text_del');
    expect((await fresh.read(id)).map((e) => e.event.type)).toEqual(['conversation_created', 'turn_started']);
  });
});

if (skip) describe('conversation log on a full disk', () => it.skip(`skipped: ${skip}`, () => undefined));
