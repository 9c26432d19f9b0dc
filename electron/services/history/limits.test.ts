/** Retention, the size cap, damaged repositories and deletion, with real files and the system git. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ArtifactRemoval } from '../artifacts/removal';
import { historyFixture, sysGit } from './test-helpers';

let f: Awaited<ReturnType<typeof historyFixture>> | null = null;
afterEach(async () => {
  await f?.cleanup();
  f = null;
});

async function withCheckpoints(n: number, fixture: NonNullable<typeof f>) {
  const r = await fixture.store.create({ name: 'Report', type: 'html-app', primary: 'index.html' });
  for (let i = 0; i < n; i++) {
    await fixture.store.files.write(r.slug, 'index.html', `<p>${i}</p>`, 'agent');
    await fixture.history.checkpoint(r.slug, { by: 'agent', turnId: `t-${i}` });
  }
  return r;
}

describe('retention', () => {
  it('keeps the last N and everything younger than the cut; the pruned repository stays valid git', async () => {
    let clock = Date.parse('2026-01-01T00:00:00Z');
    f = await historyFixture({ now: () => new Date(clock), limits: { retentionDays: 30, keepLast: 3, maxMB: 500 } });
    const r = await withCheckpoints(4, f); // 40 days ago
    clock += 40 * 86_400_000;
    const dir = await f.store.dir(r.slug);
    await f.store.files.write(r.slug, 'index.html', '<p>new</p>', 'agent');
    await f.history.checkpoint(r.slug, { by: 'agent', turnId: 't-new' });
    const list = (await f.history.list(r.slug)).checkpoints;
    // The newest 3 are kept although 2 of them are older than 30 days.
    expect(list.map((c) => c.turnId)).toEqual(['t-new', 't-3', 't-2']);
    expect(list.at(-1)!.parent).toBeNull();
    const gitdir = f.gitdir(r.id);
    sysGit(gitdir, dir, 'fsck', '--strict');
    expect(sysGit(gitdir, dir, 'rev-list', '--count', 'main').trim()).toBe('3');
    expect(sysGit(gitdir, dir, 'show', `${list[2]!.id}:index.html`)).toBe('<p>2</p>');
  });

  it('stops taking checkpoints at the size cap and says what to do', async () => {
    f = await historyFixture({ limits: { retentionDays: 30, keepLast: 1, maxMB: 0.01 } });
    const r = await f.store.create({ name: 'Big', type: 'html-app', primary: 'index.html' });
    await f.store.files.write(r.slug, 'index.html', 'x'.repeat(4000), 'agent');
    await f.history.checkpoint(r.slug, { by: 'agent' });
    const { randomBytes } = await import('node:crypto');
    await f.store.files.write(r.slug, 'data.bin', randomBytes(64 * 1024), 'agent');
    expect(await f.history.checkpoint(r.slug, { by: 'agent' })).toBeNull();
    const state = await f.history.list(r.slug);
    expect(state.limit).toMatch(/reached its size cap of 0.01 MB.*Settings → History/);
    expect(f.notices).toHaveLength(1);
  });
});

describe('a damaged history', () => {
  it('never blocks the artifact: History reports it, checkpoints pause, a fresh start keeps the old one as .bak', async () => {
    f = await historyFixture();
    const r = await withCheckpoints(2, f);
    const gitdir = f.gitdir(r.id);
    await fs.writeFile(path.join(gitdir, 'refs', 'heads', 'main'), 'not a commit id\n');
    const state = await f.history.list(r.slug);
    expect(state.status).toBe('damaged');
    expect(state.problem).toMatch(/can't read this artifact's history/);
    expect(await f.store.open(r.slug)).toMatchObject({ name: 'Report' }); // the artifact opens as ever
    await f.store.files.write(r.slug, 'index.html', '<p>later</p>', 'agent');
    expect(await f.history.checkpoint(r.slug, { by: 'agent' })).toBeNull();
    expect(f.notices[0]).toMatch(/history of "Report" is damaged.*Start a fresh history/);

    const fresh = await f.history.reset(r.slug);
    expect(fresh.status).toBe('ok');
    expect(fresh.checkpoints.map((c) => c.summary)).toEqual(['Started a fresh history']);
    expect(await fs.readFile(path.join(`${gitdir}.bak`, 'refs', 'heads', 'main'), 'utf8')).toBe('not a commit id\n');
  });
});

describe('deleting an artifact', () => {
  it('moves its history to the trash with it', async () => {
    f = await historyFixture();
    const r = await withCheckpoints(1, f);
    const removal = new ArtifactRemoval({
      trash: (slug) => f!.store.delete(slug),
      backends: { status: () => ({ state: 'stopped' }), stop: async () => undefined },
      scratchpads: { reset: () => undefined },
      history: f.history,
    });
    await removal.remove(r.slug);
    await expect(fs.stat(f.gitdir(r.id))).rejects.toThrow();
    const trashed = await fs.readdir(path.join(f.ws, '.kiln', 'trash', 'history'));
    expect(trashed).toHaveLength(1);
    expect(trashed[0]).toMatch(new RegExp(`^${r.id}-.*\\.git$`));
  });
});
