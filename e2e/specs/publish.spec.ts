import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { readZip, startPublishServer, type PublishServer } from '../fixtures/publish-server';
import { expect, test } from '../fixtures/kiln';

let server: PublishServer;
test.beforeEach(async () => {
  server = await startPublishServer({ apiKey: 'e2e-publish-key' });
});
test.afterEach(async () => {
  await server.close();
});

/** A static report in anton's layout, written before Kiln starts. */
function writeReport(workspace: string, slug: string, html: string): string {
  const dir = path.join(workspace, '.anton', 'artifacts', slug);
  mkdirSync(dir, { recursive: true });
  const now = '2026-06-01T12:00:00+00:00';
  writeFileSync(
    path.join(dir, 'metadata.json'),
    `${JSON.stringify({
      schemaVersion: 1, id: '1a2b3c4d', slug, createdAt: now, updatedAt: now, name: 'Sales Dashboard', description: 'Quarterly numbers',
      type: 'html-app', primary: 'dashboard.html', port: null, datasources: [], files: [], provenance: [],
    }, null, 2)}\n`,
  );
  writeFileSync(path.join(dir, 'dashboard.html'), html);
  writeFileSync(path.join(dir, 'style.css'), 'h1 { color: teal }');
  return dir;
}

test('one-click publish from the gallery: review → publish → URL → badge; an edit shows unpublished changes', async ({ page, kiln }) => {
  const workspace = path.join(kiln.tempDir, 'workspace');
  const dir = writeReport(workspace, 'sales-dashboard-1a2b3c4d', '<link rel="stylesheet" href="style.css"><h1>Q1</h1>');
  const app = await kiln.start({ workspace, settings: { publish: { url: server.url } }, env: { KILN_PUBLISH_API_KEY: server.apiKey } });
  await page.goto(app.url);
  await page.getByRole('button', { name: 'Gallery' }).click();
  const card = page.getByRole('article', { name: 'Sales Dashboard' });
  await expect(card).toBeVisible();
  await expect(card.getByText('Published', { exact: true })).toHaveCount(0);

  // Review sheet: files, size and access before anything is sent.
  await card.getByRole('button', { name: 'Publish Sales Dashboard' }).click();
  const sheet = page.getByRole('dialog', { name: /Publish “Sales Dashboard”/ });
  await expect(sheet).toBeVisible();
  await expect(sheet.getByText(/Static report · 2 files/)).toBeVisible();
  await expect(sheet.getByRole('radio', { name: /Public/ })).toBeChecked();
  expect(server.uploads()).toHaveLength(0);

  await sheet.getByRole('button', { name: 'Publish', exact: true }).click();
  const link = sheet.getByTestId('publish-url');
  await expect(link).toHaveText(new RegExp(`^${server.url}/r/[0-9a-f]+/$`));
  await expect(sheet.getByRole('button', { name: 'Copy link' })).toBeVisible();
  const upload = server.uploads()[0]!;
  expect(upload.authorization).toBe(`Bearer ${server.apiKey}`);
  expect(Object.keys(upload.files ?? {})).toEqual(['index.html', 'style.css']);
  await sheet.getByRole('button', { name: 'Done' }).click();
  await expect(sheet).toBeHidden();

  await expect(card.getByText('Published', { exact: true })).toBeVisible();

  // An edit outside Kiln: the watcher notices and the badge says the live version is behind.
  writeFileSync(path.join(dir, 'dashboard.html'), '<link rel="stylesheet" href="style.css"><h1>Q2</h1>');
  await expect(card.getByText('Unpublished changes')).toBeVisible({ timeout: 15_000 });

  // Re-publish keeps the same report.
  await card.getByRole('button', { name: 'Publish Sales Dashboard' }).click();
  await sheet.getByRole('button', { name: 'Publish update' }).click();
  await expect(link).toBeVisible();
  expect(server.reports.size).toBe(1);
  await sheet.getByRole('button', { name: 'Done' }).click();
  await expect(card.getByText('Published', { exact: true })).toBeVisible();

  // Versions and rollback: the live version goes back to Q1 while the files say Q2.
  await card.getByRole('button', { name: 'Publish Sales Dashboard' }).click();
  await sheet.getByRole('button', { name: 'Show versions' }).click();
  const versions = sheet.getByRole('region', { name: 'Versions' });
  await expect(versions.getByRole('listitem')).toHaveCount(2);
  await versions.getByRole('button', { name: 'Roll back to this' }).click();
  await expect(versions.getByRole('listitem').filter({ hasText: 'Version 1' })).toContainText('live');
  const reportUrl = [...server.reports.keys()].map((id) => `${server.url}/r/${id}/`)[0]!;
  expect(await (await fetch(reportUrl)).text()).toContain('Q1');

  // Export: the web host has no native dialog, so the path is typed.
  const target = path.join(kiln.tempDir, 'sales.zip');
  await sheet.getByRole('button', { name: 'Export bundle…' }).click();
  await sheet.getByLabel('Export to (full path of the .zip)').fill(target);
  await sheet.getByRole('button', { name: 'Export', exact: true }).click();
  await expect(sheet.getByText(`Exported to ${target}`)).toBeVisible();
  expect(readZip(readFileSync(target)).map((e) => e.name)).toEqual(['index.html', 'style.css']);
  await sheet.getByRole('button', { name: 'Close', exact: true }).first().click();
  await expect(card.getByText('Unpublished changes')).toBeVisible();
});

test('a slow upload can be cancelled from the sheet, and nothing is recorded as published', async ({ page, kiln }) => {
  const workspace = path.join(kiln.tempDir, 'workspace');
  writeReport(workspace, 'sales-dashboard-1a2b3c4d', '<h1>Q1</h1>');
  const app = await kiln.start({ workspace, settings: { publish: { url: server.url } }, env: { KILN_PUBLISH_API_KEY: server.apiKey } });
  await page.goto(app.url);
  await page.getByRole('button', { name: 'Gallery' }).click();
  const card = page.getByRole('article', { name: 'Sales Dashboard' });
  await card.getByRole('button', { name: 'Publish Sales Dashboard' }).click();
  const sheet = page.getByRole('dialog', { name: /Publish “Sales Dashboard”/ });
  server.failNext({ kind: 'slow', ms: 4000 }, { pathPrefix: '/upload' });
  await sheet.getByRole('button', { name: 'Publish', exact: true }).click();
  await sheet.getByRole('button', { name: 'Cancel' }).click();
  await expect(sheet.getByRole('button', { name: 'Publish', exact: true })).toBeEnabled();
  await expect(sheet.getByTestId('publish-url')).toHaveCount(0);
  expect(existsSync(path.join(workspace, '.anton', 'artifacts', 'sales-dashboard-1a2b3c4d', '.published.json'))).toBe(false);
});

test('restricted without a valid e-mail is refused, a wrong key asks for a new one, and unpublish clears the badge', async ({ page, kiln }) => {
  const workspace = path.join(kiln.tempDir, 'workspace');
  writeReport(workspace, 'sales-dashboard-1a2b3c4d', '<h1>Q1</h1>');
  const app = await kiln.start({ workspace, settings: { publish: { url: server.url } }, env: { KILN_PUBLISH_API_KEY: 'wrong-key' } });
  await page.goto(app.url);
  await page.getByRole('button', { name: 'Gallery' }).click();
  await page.getByRole('article', { name: 'Sales Dashboard' }).getByRole('button', { name: 'Publish Sales Dashboard' }).click();
  const sheet = page.getByRole('dialog', { name: /Publish “Sales Dashboard”/ });

  await sheet.getByRole('radio', { name: /Restricted/ }).check();
  await expect(sheet.getByRole('button', { name: 'Publish', exact: true })).toBeDisabled();
  await sheet.getByLabel('Allowed e-mails').fill('not an email');
  await sheet.getByRole('button', { name: 'Publish', exact: true }).click();
  await expect(sheet.getByText(/not valid/)).toBeVisible();
  expect(server.uploads()).toHaveLength(0);

  await sheet.getByRole('radio', { name: /Public/ }).check();
  await sheet.getByRole('button', { name: 'Publish', exact: true }).click();
  await expect(sheet.getByText('The publish service rejected your API key. Enter a new key to publish.')).toBeVisible();
  await sheet.getByLabel('Publish API key').fill(server.apiKey);
  await sheet.getByRole('button', { name: 'Save key' }).click();
  await sheet.getByRole('button', { name: 'Publish', exact: true }).click();
  await expect(sheet.getByTestId('publish-url')).toBeVisible();
  expect(server.reports.size).toBe(1);

  // Unpublish asks first, then the link is gone on the service and the badge disappears.
  await sheet.getByRole('button', { name: 'Done' }).click();
  const card = page.getByRole('article', { name: 'Sales Dashboard' });
  await expect(card.getByText('Published', { exact: true })).toBeVisible();
  await card.getByRole('button', { name: 'Publish Sales Dashboard' }).click();
  await sheet.getByRole('button', { name: 'Unpublish' }).click();
  const confirm = page.getByRole('dialog', { name: 'Unpublish?' });
  await confirm.getByRole('button', { name: 'Unpublish' }).click();
  await expect(page.getByText('The report was unpublished; its link no longer works.')).toBeVisible();
  expect(server.reports.size).toBe(0);
  await sheet.getByRole('button', { name: 'Close', exact: true }).first().click();
  await expect(card.getByText('Published', { exact: true })).toHaveCount(0);
});
