/**
 * When checkpoints are taken (turn ends, interrupted turns, quiet outside changes) and
 * undo/redo of a turn, with the real store and isomorphic-git.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { historyFixture, tick } from './test-helpers';

let f: Awaited<ReturnType<typeof historyFixture>>;

beforeEach(async () => {
  f = await historyFixture({ schedule: true, quietMs: 60 });
});
afterEach(async () => {
  await f.cleanup();
});

async function html(name = 'Report') {
  const r = await f.store.create({ name, type: 'html-app', primary: 'static/index.html' });
  // The "created" checkpoint is taken at once, in the background.
  await vi.waitFor(async () => expect((await f.history.list(r.slug)).checkpoints).toHaveLength(1), { timeout: 10_000 });
  return r;
}

async function turn(turnId: string, write: () => Promise<unknown>, status: 'done' | 'stopped' | 'error' = 'done', touched: string[] = []) {
  f.scheduler.turnStarted();
  await write();
  return f.scheduler.turnFinished({ conversationId: 'c-1', turnId, status, touched });
}

describe('when checkpoints are taken', () => {
  it('a new artifact gets a first checkpoint at once; an agent turn that changed it gets one at its end', async () => {
    const r = await html();
    expect((await f.history.list(r.slug)).checkpoints.map((c) => c.summary)).toEqual(['History started (no file changes)']);
    const made = await turn('t-1', () => f.store.files.write(r.slug, 'static/index.html', '<p>v1</p>', 'agent'));
    expect(made).toHaveLength(1);
    expect(made[0]).toMatchObject({ by: 'agent', turnId: 't-1', conversationId: 'c-1', summary: 'Agent turn: static/index.html' });
    // A turn that changed nothing leaves no checkpoint.
    expect(await turn('t-2', async () => undefined, 'done', [r.slug])).toEqual([]);
  });

  it('the first checkpoint of an artifact the agent creates is the empty folder, even when a write follows at once', async () => {
    f.scheduler.turnStarted();
    const r = await f.store.create({ name: 'Fast', type: 'html-app', primary: 'index.html' }, 'agent');
    await f.store.files.write(r.slug, 'index.html', '<p>at once</p>', 'agent');
    await f.scheduler.turnFinished({ conversationId: 'c-1', turnId: 't-1', status: 'done', touched: [r.slug] });
    const list = (await f.history.list(r.slug)).checkpoints;
    expect(list.map((c) => c.summary)).toEqual(['Agent turn: index.html', 'History started (no file changes)']);
    await f.scheduler.undo('t-1');
    await expect(fs.stat(path.join(await f.store.dir(r.slug), 'index.html'))).rejects.toThrow();
  });

  it('a stopped or failed turn keeps its partial work as an Interrupted checkpoint', async () => {
    const r = await html();
    const made = await turn('t-1', () => f.store.files.write(r.slug, 'static/index.html', '<p>half</p>', 'agent'), 'stopped');
    expect(made[0]).toMatchObject({ interrupted: true, summary: 'Interrupted turn: static/index.html' });
  });

  it('outside changes become one checkpoint after a quiet period, never in the middle of a turn', async () => {
    const r = await html();
    const dir = await f.store.dir(r.slug);
    f.scheduler.turnStarted();
    for (const n of [1, 2, 3]) {
      await fs.writeFile(path.join(dir, `note${n}.txt`), `n${n}`);
      await f.store.applyOutsideChange(r.slug, [`note${n}.txt`]);
      await tick(20);
    }
    await tick(200);
    expect((await f.history.list(r.slug)).checkpoints).toHaveLength(1); // still only "created": the turn runs
    await f.scheduler.turnFinished({ conversationId: 'c-1', turnId: 't-x', status: 'done', touched: [] });
    await vi.waitFor(async () => expect((await f.history.list(r.slug)).checkpoints).toHaveLength(2), { timeout: 10_000 });
    const list = (await f.history.list(r.slug)).checkpoints;
    expect(list[0]).toMatchObject({ by: 'outside', pathCount: 3, summary: 'Changed outside Kiln: note1.txt, note2.txt and 1 more' });
  });
});

describe('undo and redo of a turn', () => {
  it('undo puts the files back as they were before the turn; redo brings the turn back', async () => {
    const r = await html();
    const dir = await f.store.dir(r.slug);
    const file = path.join(dir, 'static/index.html');
    await turn('t-1', () => f.store.files.write(r.slug, 'static/index.html', '<p>v1</p>', 'agent'));
    await turn('t-2', () => f.store.files.write(r.slug, 'static/index.html', '<p>v2</p>', 'agent'));
    expect(await f.scheduler.turn('t-2')).toMatchObject({ undone: false, artifacts: [{ slug: r.slug }] });

    expect(await f.scheduler.undo('t-2')).toMatchObject({ undone: true });
    expect(await fs.readFile(file, 'utf8')).toBe('<p>v1</p>');
    expect(await f.scheduler.redo('t-2')).toMatchObject({ undone: false });
    expect(await fs.readFile(file, 'utf8')).toBe('<p>v2</p>');
    // And again: undo is repeatable.
    await f.scheduler.undo('t-2');
    expect(await fs.readFile(file, 'utf8')).toBe('<p>v1</p>');
    const summaries = (await f.history.list(r.slug)).checkpoints.map((c) => c.summary);
    expect(summaries.slice(0, 3)).toEqual(['Undid an agent turn', 'Redid an agent turn', 'Undid an agent turn']);
  });

  it('refuses a user restore while the agent works, and says why', async () => {
    const r = await html();
    await turn('t-1', () => f.store.files.write(r.slug, 'static/index.html', '<p>v1</p>', 'agent'));
    f.scheduler.turnStarted();
    await expect(f.scheduler.undo('t-1')).rejects.toThrow(/agent is still working/);
    const first = (await f.history.list(r.slug)).checkpoints.at(-1)!;
    await expect(f.scheduler.restore(r.slug, first.id)).rejects.toMatchObject({ code: 'CONFLICT' });
    await f.scheduler.turnFinished({ conversationId: 'c-1', turnId: 't-2', status: 'done', touched: [] });
  });

  it('a turn with no checkpoint has nothing to undo', async () => {
    await expect(f.scheduler.undo('t-none')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await f.scheduler.turn('t-none')).toEqual({ artifacts: [], undone: false });
  });
});
