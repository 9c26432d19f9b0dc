import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { startModelServer, type ModelServer } from '../fixtures/model-server';
import { expect, test } from '../fixtures/kiln';

/**
 * Checkpoints end to end: a scripted agent (real HTTP, SSE) changes an artifact, the turn card
 * undoes and redoes it, the History tab shows and restores checkpoints; a stopped turn leaves
 * an Interrupted checkpoint. The artifact folder never gains a file: anton reads it as before.
 */
let model: ModelServer;
test.beforeEach(async () => {
  model = await startModelServer();
});
test.afterEach(async () => {
  await model.close();
});

const KEY = 'sk-e2e-provider-key-0000000000000000';
const settings = () => ({ provider: { preset: 'custom' as const, baseUrl: model.url, model: 'test-model' } });
const page1 = '<!doctype html><title>Counter</title><h1>Version one</h1>\n';
const page2 = '<!doctype html><title>Counter</title><h1>Version two</h1>\n';

async function send(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill(text);
  await box.press('Enter');
}

/** Every file and folder under an artifact, relative and sorted. */
function tree(dir: string, rel = ''): string[] {
  return readdirSync(path.join(dir, rel))
    .flatMap((name) => {
      const r = rel ? `${rel}/${name}` : name;
      return statSync(path.join(dir, r)).isDirectory() ? [r, ...tree(dir, r)] : [r];
    })
    .sort();
}

function artifactDir(workspace: string): string {
  const root = path.join(workspace, '.anton', 'artifacts');
  const [slug] = readdirSync(root).filter((n) => !n.startsWith('.'));
  return path.join(root, slug!);
}

test('a turn that changed static/index.html is undone and redone from its card; the preview follows; History shows and restores', async ({ page, kiln }) => {
  test.setTimeout(120_000);
  const app = await kiln.start({ settings: settings(), env: { OPENAI_API_KEY: KEY } });
  model.enqueue(
    {
      kind: 'tools',
      calls: [{ name: 'create_artifact', args: { name: 'Counter', description: 'Counts.', type: 'html-app', primary: 'static/index.html' } }],
    },
    { kind: 'tools', calls: [{ name: 'write_file', args: { slug: '{{resource_id}}', path: 'static/index.html', content: page1 } }] },
    { kind: 'text', text: 'Made version one.' },
  );
  await page.goto(app.url);
  await send(page, 'Make a counter page');
  const log = page.getByRole('log', { name: 'Conversation' });
  await expect(log.getByText('Made version one.')).toBeVisible({ timeout: 30_000 });
  await log.getByRole('group', { name: 'Artifact Counter' }).getByRole('button', { name: 'Open preview' }).click();
  const frame = page.frameLocator('.preview-body iframe');
  await expect(frame.getByRole('heading', { name: 'Version one' })).toBeVisible({ timeout: 20_000 });

  const dir = artifactDir(app.workspace);
  const before = tree(dir);
  expect(before).toEqual(['README.md', 'metadata.json', 'static', 'static/index.html']);

  model.enqueue(
    { kind: 'tools', calls: [{ name: 'write_file', args: { slug: path.basename(dir), path: 'static/index.html', content: page2 } }] },
    { kind: 'text', text: 'Made version two.' },
  );
  await send(page, 'Change it to version two');
  await expect(log.getByText('Made version two.')).toBeVisible({ timeout: 30_000 });
  await expect(frame.getByRole('heading', { name: 'Version two' })).toBeVisible({ timeout: 20_000 });

  const second = log.locator('.turn').nth(1);
  await second.getByRole('button', { name: 'Undo this turn' }).click();
  await expect(second.getByRole('button', { name: 'Redo' })).toBeVisible();
  expect(readFileSync(path.join(dir, 'static/index.html'), 'utf8')).toBe(page1);
  await expect(frame.getByRole('heading', { name: 'Version one' })).toBeVisible({ timeout: 20_000 });

  await second.getByRole('button', { name: 'Redo' }).click();
  await expect(second.getByRole('button', { name: 'Undo this turn' })).toBeVisible();
  expect(readFileSync(path.join(dir, 'static/index.html'), 'utf8')).toBe(page2);
  await expect(frame.getByRole('heading', { name: 'Version two' })).toBeVisible({ timeout: 20_000 });

  // The History tab: newest first, who and what; a per-file diff; Restore makes a new checkpoint.
  await page.getByRole('tab', { name: 'History' }).click();
  const list = page.getByRole('list', { name: 'Checkpoints, newest first' });
  const items = list.locator('.history-item');
  await expect(items.first()).toContainText('Redid an agent turn');
  await expect(items.nth(1)).toContainText('Undid an agent turn');
  await expect(list.getByText('Agent turn: static/index.html')).toHaveCount(2);
  const turnOne = items.filter({ hasText: 'Agent turn: static/index.html' }).last();
  await turnOne.getByRole('button', { name: /Agent turn/ }).click();
  await expect(turnOne.locator('.history-add')).toContainText('<h1>Version one</h1>');
  const count = await items.count();
  await turnOne.getByRole('button', { name: /^Restore/ }).click();
  await expect(items).toHaveCount(count + 1); // the restore itself is a checkpoint (this state was already checkpointed)
  await expect(items.first()).toContainText('Restored the checkpoint of');
  expect(readFileSync(path.join(dir, 'static/index.html'), 'utf8')).toBe(page1);
  await page.getByRole('tab', { name: 'Preview' }).click();
  await expect(frame.getByRole('heading', { name: 'Version one' })).toBeVisible({ timeout: 20_000 });

  // No new file ever appeared in the artifact folder: anton's view of it is unchanged.
  expect(tree(dir)).toEqual(before);
  const record = JSON.parse(readFileSync(path.join(dir, 'metadata.json'), 'utf8')) as { name: string; files: { path: string }[] };
  expect(record.name).toBe('Counter');
  expect(record.files.map((f) => f.path)).toEqual(['static/index.html']);
});

test('a stopped turn keeps its partial work as an Interrupted checkpoint', async ({ page, kiln }) => {
  test.setTimeout(90_000);
  const app = await kiln.start({ settings: settings(), env: { OPENAI_API_KEY: KEY } });
  const long = Array.from({ length: 400 }, (_, i) => `word${i}`).join(' ');
  model.enqueue(
    {
      kind: 'tools',
      calls: [{ name: 'create_artifact', args: { name: 'Half done', description: '', type: 'html-app', primary: 'static/index.html' } }],
    },
    { kind: 'tools', calls: [{ name: 'write_file', args: { slug: '{{resource_id}}', path: 'static/index.html', content: page1 } }] },
    { kind: 'text', text: long, chunkSize: 10, delayMs: 15, hangAfter: 40 },
  );
  await page.goto(app.url);
  await send(page, 'Start something long');
  const log = page.getByRole('log', { name: 'Conversation' });
  await expect(log.getByText('word20 ')).toBeVisible({ timeout: 30_000 });
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(log.getByText('Stopped. What streamed before is kept.')).toBeVisible();

  await log.getByRole('group', { name: 'Artifact Half done' }).getByRole('button', { name: 'Open preview' }).click();
  await page.getByRole('tab', { name: 'History' }).click();
  const newest = page.getByRole('list', { name: 'Checkpoints, newest first' }).locator('.history-item').first();
  await expect(newest).toContainText('Interrupted turn: static/index.html');
  await expect(newest).toContainText('Interrupted');
  // The stopped turn can still be undone from its card.
  await expect(log.locator('.turn').first().getByRole('button', { name: 'Undo this turn' })).toBeVisible();
});
