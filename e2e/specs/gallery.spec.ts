import { promises as fs } from 'node:fs';
import path from 'node:path';
import { expect, test } from '../fixtures/kiln';

const artifactsRoot = (workspace: string): string => path.join(workspace, '.anton', 'artifacts');

async function slugStartingWith(workspace: string, prefix: string): Promise<string> {
  const names = await fs.readdir(artifactsRoot(workspace));
  const slug = names.find((n) => n.startsWith(prefix));
  if (!slug) throw new Error(`no artifact folder starting with ${prefix}: ${names.join(', ')}`);
  return slug;
}

test('gallery: add examples, outside changes appear live, search, filter, open, rename, delete', async ({ page, kiln }) => {
  const app = await kiln.start();
  await page.goto(app.url);
  await page.getByRole('navigation', { name: 'Navigation' }).getByRole('button', { name: 'Gallery' }).click();

  // Empty gallery → Add examples creates real artifacts.
  await expect(page.getByRole('heading', { name: 'No artifacts yet' })).toBeVisible();
  await page.getByRole('button', { name: 'Add examples' }).click();
  const dashboard = page.getByRole('article', { name: 'Sales dashboard (example)' });
  const inventory = page.getByRole('article', { name: 'Inventory app (example)' });
  await expect(dashboard).toBeVisible();
  await expect(inventory).toBeVisible();
  await expect(dashboard).toContainText('1 file');
  await expect(inventory).toContainText('5 files');

  // A file written into an artifact folder from outside shows up without a reload.
  const dashSlug = await slugStartingWith(app.workspace, 'sales-dashboard-example-');
  await fs.writeFile(path.join(artifactsRoot(app.workspace), dashSlug, 'notes.md'), '# written by hand\n');
  await expect(dashboard).toContainText('2 files');

  // So does a whole artifact written by another tool (anton's format, no schemaVersion), and a damaged one.
  const byHand = path.join(artifactsRoot(app.workspace), 'weekly-notes');
  await fs.mkdir(byHand);
  await fs.writeFile(path.join(byHand, 'notes.md'), '# Week 14\n\nAll good.');
  await fs.writeFile(
    path.join(byHand, 'metadata.json'),
    JSON.stringify({ id: 'abcdef12', slug: 'weekly-notes', createdAt: '2026-01-01T00:00:00+00:00', updatedAt: '2026-01-01T00:00:00+00:00', name: 'Weekly notes', description: 'Written by anton', type: 'document', primary: 'notes.md' }),
  );
  const broken = path.join(artifactsRoot(app.workspace), 'broken-record');
  await fs.mkdir(broken);
  await fs.writeFile(path.join(broken, 'metadata.json'), '{"id": "0000');
  await expect(page.getByRole('article', { name: 'Weekly notes' })).toBeVisible();
  const damaged = page.getByRole('article', { name: 'broken-record (damaged)' });
  await expect(damaged).toContainText('not valid JSON');

  // Search by name or description.
  const search = page.getByRole('searchbox', { name: 'Search artifacts' });
  await search.fill('inventory');
  await expect(inventory).toBeVisible();
  await expect(dashboard).toHaveCount(0);
  await search.fill('written by anton');
  await expect(page.getByRole('article', { name: 'Weekly notes' })).toBeVisible();
  await expect(inventory).toHaveCount(0);
  await search.fill('');

  // Filter by type.
  const filter = page.getByRole('combobox', { name: 'Filter by type' });
  await filter.selectOption({ label: 'HTML app' });
  await expect(dashboard).toBeVisible();
  await expect(inventory).toHaveCount(0);
  await filter.selectOption({ label: 'Damaged' });
  await expect(damaged).toBeVisible();
  await expect(dashboard).toHaveCount(0);
  await filter.selectOption({ label: 'All types' });

  // Open a document: rendered markdown in the preview pane.
  await page.getByRole('article', { name: 'Weekly notes' }).getByRole('button', { name: 'Weekly notes', exact: true }).click();
  const pane = page.getByRole('region', { name: 'Preview: Weekly notes' });
  await expect(pane.getByRole('heading', { name: 'Week 14' })).toBeVisible();

  // Open the dashboard: it renders in the preview iframe on its own origin.
  await dashboard.getByRole('button', { name: 'Sales dashboard (example)', exact: true }).click();
  const frame = page.frameLocator('iframe[title="Preview of Sales dashboard (example)"]');
  await expect(frame.getByRole('heading', { name: 'Sales dashboard' })).toBeVisible();
  await expect(frame.getByText('Total revenue')).toBeVisible();

  // Rename keeps the folder.
  await dashboard.getByRole('button', { name: 'Rename Sales dashboard (example)' }).click();
  const dialog = page.getByRole('dialog', { name: 'Rename artifact' });
  await dialog.getByLabel('Name').fill('Q2 Sales');
  await dialog.getByRole('button', { name: 'Rename' }).click();
  const renamed = page.getByRole('article', { name: 'Q2 Sales' });
  await expect(renamed).toBeVisible();
  const meta = JSON.parse(await fs.readFile(path.join(artifactsRoot(app.workspace), dashSlug, 'metadata.json'), 'utf8')) as { name: string };
  expect(meta.name).toBe('Q2 Sales');

  // Sort by name puts "Inventory…" before "Q2 Sales".
  await page.getByRole('combobox', { name: 'Sort' }).selectOption('name');
  const titles = await page.locator('article h3').allTextContents();
  expect(titles.indexOf('Inventory app (example)')).toBeLessThan(titles.indexOf('Q2 Sales'));

  // Delete asks first, then moves the folder to the workspace trash (the web host has no OS trash).
  await renamed.getByRole('button', { name: 'Delete Q2 Sales' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete artifact?' });
  await expect(confirm).toContainText('Q2 Sales');
  await confirm.getByRole('button', { name: 'Delete' }).click();
  await expect(renamed).toHaveCount(0);
  await expect(fs.stat(path.join(artifactsRoot(app.workspace), dashSlug))).rejects.toThrow();
  const trashed = await fs.readdir(path.join(app.workspace, '.kiln', 'trash'));
  expect(trashed.some((n) => n.startsWith(dashSlug))).toBe(true);
  await expect(inventory).toBeVisible();
});

test('settings → workspace: shows the --workspace override, refuses a relative path, saves an absolute one', async ({ page, kiln }) => {
  const app = await kiln.start();
  await page.goto(app.url);
  await page.getByRole('navigation', { name: 'Navigation' }).getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('button', { name: 'Workspace', exact: true }).click();
  await expect(page.getByText(app.workspace, { exact: true })).toBeVisible();
  await expect(page.getByRole('note')).toContainText('--workspace');
  const input = page.getByLabel('Workspace folder');
  await input.fill('relative/folder');
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'not an absolute path' })).toBeVisible();
  const next = path.join(kiln.tempDir, 'another-workspace');
  await input.fill(next);
  await page.getByRole('button', { name: 'Apply' }).click();
  await expect(page.getByText('takes effect when Kiln starts without --workspace')).toBeVisible();
  const settings = JSON.parse(await fs.readFile(path.join(app.userData, 'settings.json'), 'utf8')) as { workspace: { path: string } };
  expect(settings.workspace.path).toBe(next);
  expect((await fs.stat(next)).isDirectory()).toBe(true);
});

test('a gallery of hundreds of artifacts renders only what is in view and still finds the last one', async ({ page, kiln }) => {
  const root = artifactsRoot(path.join(kiln.tempDir, 'workspace'));
  await fs.mkdir(root, { recursive: true });
  for (let i = 0; i < 400; i++) {
    const id = i.toString(16).padStart(8, '0');
    const slug = `bulk-${i}-${id}`;
    const stamp = new Date(Date.parse('2026-01-01T00:00:00Z') + i * 60_000).toISOString().slice(0, 19) + '+00:00';
    await fs.mkdir(path.join(root, slug));
    await fs.writeFile(
      path.join(root, slug, 'metadata.json'),
      JSON.stringify({ schemaVersion: 1, id, slug, createdAt: stamp, updatedAt: stamp, name: `Bulk artifact ${i}`, description: '', type: 'dataset' }),
    );
  }
  const app = await kiln.start();
  await page.goto(app.url);
  await page.getByRole('navigation', { name: 'Navigation' }).getByRole('button', { name: 'Gallery' }).click();
  await expect(page.getByRole('article', { name: 'Bulk artifact 399' })).toBeVisible(); // newest first
  expect(await page.getByRole('article').count()).toBeLessThan(100);
  await page.getByRole('searchbox', { name: 'Search artifacts' }).fill('artifact 0');
  await expect(page.getByRole('article', { name: 'Bulk artifact 0' })).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'of 400 artifacts shown' })).toHaveText('1 of 400 artifacts shown');
});
