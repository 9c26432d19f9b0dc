import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startPublishServer, type PublishServer } from '../fixtures/publish-server';
import { expect, test } from '../fixtures/kiln';

// Playwright runs from the project root.
const REFERENCE = path.resolve('electron/services/publish/fixtures/anton/reference_zip.py');

let server: PublishServer;
test.beforeEach(async () => {
  server = await startPublishServer({ apiKey: 'e2e-publish-key' });
});
test.afterEach(async () => {
  await server.close();
});

test("a page anton published (state in site/.published.json, password in clear) shows Published, and Kiln republishes the same report", async ({ page, kiln }) => {
  const workspace = path.join(kiln.tempDir, 'workspace');
  const dir = path.join(workspace, '.anton', 'artifacts', 'site-report-1a2b3c4d');
  mkdirSync(path.join(dir, 'site'), { recursive: true });
  const now = '2026-06-01T12:00:00+00:00';
  writeFileSync(path.join(dir, 'metadata.json'), JSON.stringify({
    schemaVersion: 1, id: '1a2b3c4d', slug: 'site-report-1a2b3c4d', createdAt: now, updatedAt: now, name: 'Site Report', description: '',
    type: 'html-app', primary: 'site/index.html', port: null, datasources: [], files: [], provenance: [],
  }, null, 2));
  writeFileSync(path.join(dir, 'site', 'index.html'), '<link rel="stylesheet" href="style.css">\r\n<h1>Q2</h1>\r\n');
  writeFileSync(path.join(dir, 'site', 'style.css'), 'h1 { color: teal }\r\n');
  // anton's publish: its zip (real Python, anton's way) uploaded, its state next to the page.
  const zipFile = path.join(kiln.tempDir, 'anton.zip');
  execFileSync('/usr/bin/python3', [REFERENCE, 'static', zipFile, path.join(dir, 'site', 'index.html')]);
  const zip = readFileSync(zipFile);
  const res = await fetch(`${server.url}/upload`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ file_payload: zip.toString('base64'), access: { mode: 'password', password_hash: 'x', pwd_version: 1 } }),
  });
  const report = (await res.json()) as { report_id: string; view_url: string; md5: string };
  expect(report.md5).toBe(createHash('md5').update(zip).digest('hex'));
  writeFileSync(path.join(dir, 'site', '.published.json'), JSON.stringify({
    'index.html': { mode: 'password', requires_password: true, access_password: 'anton-plain', pwd_version: 1, report_id: report.report_id, url: report.view_url, last_md5: report.md5 },
  }, null, 2));

  const app = await kiln.start({ workspace, settings: { publish: { url: server.url } }, env: { KILN_PUBLISH_API_KEY: server.apiKey } });
  await page.goto(app.url);
  await page.getByRole('button', { name: 'Gallery' }).click();
  const card = page.getByRole('article', { name: 'Site Report' });
  await expect(card.getByText('Published', { exact: true })).toBeVisible();

  await card.getByRole('button', { name: 'Publish Site Report' }).click();
  const sheet = page.getByRole('dialog', { name: /Publish “Site Report”/ });
  await expect(sheet.getByRole('radio', { name: /Password/ })).toBeChecked();
  await expect(sheet.getByRole('note')).toContainText("anton also stores this report's password in plain text");
  await expect(sheet.getByText(/Published and up to date/)).toBeVisible();
  await sheet.getByRole('button', { name: 'Publish update' }).click();
  await expect(sheet.getByTestId('publish-url')).toHaveText(report.view_url);
  expect(server.reports.size).toBe(1);
  expect(server.uploads().at(-1)!.body!.report_id).toBe(report.report_id);
  expect(server.uploads().at(-1)!.headers['user-agent']).toContain('Anton/1.0');
  const state = JSON.parse(readFileSync(path.join(dir, 'site', '.published.json'), 'utf8')) as Record<string, { report_id: string; access_password: string }>;
  expect(state['index.html']).toMatchObject({ report_id: report.report_id, access_password: 'anton-plain' });
});
