/**
 * Kiln and anton open on one workspace: alternating reads must reach a fixed point. anton's
 * side is real Python doing what anton's store does (fixtures/anton/anton_files.py), and the
 * records are written by hand in anton's exact format (json.dumps(indent=2, ensure_ascii=False),
 * no final newline, files[] in sorted(Path) order, defaults left out as anton's model allows).
 */
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FileEntry } from '../../../shared/contract/artifacts';
import { antonModifiedAt } from './files';
import { applyTurn } from './records';
import { pythonRound, renderReadme } from './readme';
import { parseRecord } from './record';
import { tempStore } from './test-helpers';

const ANTON_FILES = path.join(__dirname, 'fixtures', 'anton', 'anton_files.py');

/** What anton's store sees in the folder, and whether it would rewrite metadata.json. */
function anton(dir: string): { files: FileEntry[]; rewrite: boolean } {
  const out = execFileSync('/usr/bin/python3', [ANTON_FILES, dir], { env: { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' } });
  return JSON.parse(out.toString('utf8')) as { files: FileEntry[]; rewrite: boolean };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const SLUG = 'sales-app-1a2b3c4d';

/** anton's save: json.dumps(payload, indent=2, ensure_ascii=False), no trailing newline. */
async function antonSave(dir: string, record: Record<string, unknown>): Promise<void> {
  await fs.writeFile(path.join(dir, 'metadata.json'), JSON.stringify(record, null, 2));
}

async function antonWorkspace() {
  const t = await tempStore();
  cleanups.push(t.cleanup);
  const dir = path.join(t.root, SLUG);
  const files: Record<string, string | Buffer> = {
    'backend.py': 'print("hi")\n',
    'requirements.txt': 'fastapi\n',
    '__pycache__/backend.cpython-311.pyc': Buffer.from([0x61, 0x0d, 0x0d, 0x0a, 0, 0, 0, 0]),
    'backend.log': 'started\n',
    'static/index.html': '<h1>x</h1>',
    'static/a-b.js': '1',
    'static/a/b.js': '2',
    'data/big.bin': Buffer.alloc(2560, 1), // 2.5 KB: Python rounds to 2, Math.round to 3
    'site/index.html': '<p>site</p>',
    'site/.published.json': JSON.stringify({ 'index.html': { mode: 'password', requires_password: true, access_password: 'anton-plain', pwd_version: 1, report_id: 'r1', url: 'u', last_md5: 'm' } }, null, 2),
  };
  for (const [rel, data] of Object.entries(files)) {
    await fs.mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
    await fs.writeFile(path.join(dir, rel), data);
  }
  // A time a hair below the next second: Python rounds to microseconds before cutting.
  await fs.utimes(path.join(dir, 'static/index.html'), 1780000000, 1780000000.9999996);
  const record = {
    schemaVersion: 1,
    id: '1a2b3c4d',
    slug: SLUG,
    createdAt: '2026-06-01T12:00:00+00:00',
    updatedAt: '2026-06-01T12:00:00+00:00',
    name: 'Sales app',
    description: 'Quarterly numbers',
    type: 'fullstack-stateless-app',
    primary: 'static/index.html',
    port: null,
    datasources: [{ engine: 'postgres', name: 'prod.eu' }],
    files: anton(dir).files,
    // A turn without files_touched, a conversation without turns or title: anton's defaults apply.
    provenance: [
      { conversation: 'conv-1', title: 'Build it', turns: [{ index: 0, timestamp: '2026-06-01T12:00:00+00:00', summary: 'make a sales app' }] },
      { conversation: 'conv-2' },
    ],
  };
  await antonSave(dir, record);
  return { ...t, dir, record };
}

describe('Kiln and anton on one workspace', () => {
  it('reads an anton record as valid and never rewrites it for a non-change (order, pyc, backend.log)', async () => {
    const { store, dir } = await antonWorkspace();
    const meta = path.join(dir, 'metadata.json');
    const before = await fs.readFile(meta, 'utf8');
    const item = (await store.list()).find((i) => i.slug === SLUG)!;
    expect(item.damaged).toBeUndefined();
    expect(await store.reconcile(SLUG)).toBe(false);
    const opened = await store.open(SLUG);
    expect(opened.files.map((f) => f.path)).toEqual(anton(dir).files.map((f) => f.path));
    expect(opened.files.map((f) => f.path)).toContain('__pycache__/backend.cpython-311.pyc');
    expect(await fs.readFile(meta, 'utf8')).toBe(before);

    // Another order of the same entries is no change either.
    const parsed = JSON.parse(before) as { files: FileEntry[] };
    parsed.files.reverse();
    await antonSave(dir, parsed as unknown as Record<string, unknown>);
    const reversed = await fs.readFile(meta, 'utf8');
    expect(await store.reconcile(SLUG)).toBe(false);
    // The log grew: anton rewrites for that (its own rule), Kiln doesn't, and after anton's
    // rewrite neither tool writes again.
    await fs.appendFile(path.join(dir, 'backend.log'), 'more output\n');
    expect(await store.reconcile(SLUG)).toBe(false);
    expect(await fs.readFile(meta, 'utf8')).toBe(reversed);
    const seen = anton(dir);
    expect(seen.rewrite).toBe(true);
    await antonSave(dir, { ...(JSON.parse(reversed) as Record<string, unknown>), files: seen.files });
    expect(await store.reconcile(SLUG)).toBe(false);
    expect(anton(dir).rewrite).toBe(false);
  });

  it('after a real change Kiln writes files[] exactly as anton derives them, so anton does not rewrite it back', async () => {
    const { store, dir } = await antonWorkspace();
    await store.files.write(SLUG, 'static/new.js', Buffer.from('console.log(1)'), 'agent');
    const saved = JSON.parse(await fs.readFile(path.join(dir, 'metadata.json'), 'utf8')) as { files: FileEntry[]; provenance: unknown[] };
    expect(saved.files).toEqual(anton(dir).files); // same entries, same order, same times
    expect(anton(dir).rewrite).toBe(false);
    expect(saved.files.map((f) => f.path)).toEqual(expect.arrayContaining(['__pycache__/backend.cpython-311.pyc', 'site/.published.json']));
    // anton's defaults were written out the way anton's model dumps them.
    expect(saved.provenance).toEqual([
      { conversation: 'conv-1', title: 'Build it', turns: [{ index: 0, timestamp: '2026-06-01T12:00:00+00:00', summary: 'make a sales app', files_touched: [] }] },
      { conversation: 'conv-2', turns: [], title: null },
    ]);
    // Kiln still never opens the nested publish state through its door.
    await expect(store.files.read(SLUG, 'site/.published.json')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await store.files.list(SLUG)).map((f) => f.path)).not.toContain('site/.published.json');
  });

  it('renders the README as anton does: Python rounding, every conversation, no per-line trimming', async () => {
    const { dir } = await antonWorkspace();
    const read = parseRecord(await fs.readFile(path.join(dir, 'metadata.json'), 'utf8'), SLUG);
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    const readme = renderReadme(read.record);
    expect(readme).toContain('- `data/big.bin` (2 KB)');
    expect(readme).toContain('**Conversation: conv-2**');
    expect(readme).toContain('- `postgres-prod.eu` (postgres) — env prefix `DS_POSTGRES_PROD_EU`');
    expect([0.5, 1.5, 2.5, 3.5, 2.4999, 2.5001].map(pythonRound)).toEqual([0, 2, 2, 4, 2, 3]);
  });
});

describe('provenance and times in anton format', () => {
  it('stores a turn time as seconds with +00:00, cuts summaries as anton does, and matches Python mtimes', () => {
    const record = { provenance: [] } as unknown as Parameters<typeof applyTurn>[0];
    applyTurn(record, { conversation: 'c', index: 0, timestamp: '2026-06-01T12:00:00.987Z', prompt: `${'x'.repeat(238)} tail`, filesTouched: ['b', 'a', 'b'] }, new Date());
    const turn = record.provenance[0]!.turns[0]!;
    expect(turn.timestamp).toBe('2026-06-01T12:00:00+00:00');
    expect(turn.files_touched).toEqual(['a', 'b']);
    expect(turn.summary).toBe(`${'x'.repeat(238)}…`); // 239 code points, trailing space trimmed, then …
    expect(antonModifiedAt(1780000000_999999523n)).toBe('2026-05-28T20:26:41+00:00');
    expect(antonModifiedAt(1780000000_999999000n)).toBe('2026-05-28T20:26:40+00:00');
  });
});
