import path from 'node:path';
import type { Page } from '@playwright/test';
import { salesAppScript } from '../fixtures/model-scripts/sales-app';
import { startModelServer } from '../fixtures/model-server';
import { startPublishServer } from '../fixtures/publish-server';
import { expect, test } from '../fixtures/kiln';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { datasourceSlug, envPrefix } from '../../shared/vault/catalog';

/**
 * Renders the main screens for the README into docs/screenshots/. Run it with
 * `npm run screenshots` after a UI change and commit the pictures.
 */
const OUT = path.resolve('docs/screenshots');
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(OUT, `${name}.png`) });
const TOKEN = 'screens-data-token-1234567890';

test('README screenshots', async ({ page, kiln }) => {
  test.setTimeout(180_000);
  const model = await startModelServer({ models: ['gpt-4.1', 'gpt-4.1-mini'] });
  const publish = await startPublishServer({ apiKey: 'screens-key' });
  const api = http.createServer((req, res) => {
    if (req.headers.authorization !== `Bearer ${TOKEN}`) return void res.writeHead(401).end();
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify([{ region: 'North', revenue: 1200 }, { region: 'South', revenue: 980 }, { region: 'Lagoon Coast', revenue: 3400 }]));
  });
  await new Promise<void>((r) => api.listen(0, '127.0.0.1', r));
  const apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
  try {
    const app = await kiln.start({
      settings: {
        ui: { firstRunDone: false },
        provider: { preset: 'custom', baseUrl: model.url, model: 'gpt-4.1' },
        publish: { url: publish.url },
        python: { pipArgs: ['--no-index', '--no-deps', '--retries', '0', '--timeout', '3'] },
      },
      env: { KILN_PUBLISH_API_KEY: publish.apiKey, OPENAI_API_KEY: 'sk-screens-0000000000000000000000' },
    });
    await page.goto(app.url);
    await expect(page.getByRole('dialog', { name: 'Choose your workspace' })).toBeVisible();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Next' }).click();
    await expect(page.getByText(/virtual environments work/)).toBeVisible({ timeout: 60_000 });
    await shot(page, 'first-run');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Add the examples' }).click();
    await expect(page.getByText('Added 2 examples to your gallery.')).toBeVisible();
    await page.getByRole('button', { name: 'Finish' }).click();

    await expect(page.getByRole('article')).toHaveCount(2);
    const dashboard = page.getByRole('article').filter({ hasText: /dashboard/i }).first();
    await dashboard.getByRole('button').first().click();
    await page.waitForTimeout(1500);
    // gallery.png (with thumbnails) is rendered by gallery.screens.ts.

    const nav = page.getByRole('navigation', { name: 'Navigation' });
    await nav.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('navigation', { name: 'Settings sections' }).getByRole('button', { name: 'Datasources' }).click();
    await page.getByRole('button', { name: 'Add datasource' }).click();
    const form = page.getByRole('dialog', { name: 'Add a datasource' });
    await form.getByLabel('Type').selectOption('rest-api');
    await form.getByLabel('Name *').fill('Sales API');
    await form.getByLabel('Base URL *').fill(apiUrl);
    await form.getByLabel('Token', { exact: true }).fill(TOKEN);
    await form.getByRole('button', { name: 'Add datasource' }).click();
    await expect(form).toBeHidden();
    await shot(page, 'datasources');

    const stored = JSON.parse(readFileSync(path.join(app.workspace, '.kiln', 'datasources.json'), 'utf8')) as { datasources: { engine: string; name: string }[] };
    const ds = stored.datasources[0]!;
    model.enqueue(...salesAppScript(datasourceSlug(ds.engine, ds.name), envPrefix(ds.engine, ds.name)));
    await nav.getByRole('button', { name: 'Chat' }).click();
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill('Build me an app that shows sales by region from the Sales API');
    await box.press('Enter');
    const log = page.getByRole('log', { name: 'Conversation' });
    await expect(log.getByText('app is running with live data', { exact: false })).toBeVisible({ timeout: 90_000 });
    await log.getByRole('group', { name: 'Artifact Sales by region' }).first().getByRole('button', { name: 'Open preview' }).click();
    await expect(page.frameLocator('iframe[title^="App preview"]').getByRole('cell', { name: 'Lagoon Coast' })).toBeVisible({ timeout: 60_000 });
    await shot(page, 'chat-live-preview');

    await log.getByRole('group', { name: 'Publish suggestion' }).getByRole('button', { name: /Review and publish/ }).click();
    await expect(page.getByRole('dialog', { name: /Publish “Sales by region”/ })).toBeVisible();
    await page.waitForTimeout(800);
    await shot(page, 'publish-review');
  } finally {
    await model.close();
    await publish.close();
    await new Promise((r) => api.close(r));
  }
});
