import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Page, TestInfo } from '@playwright/test';
import { salesAppScript } from '../fixtures/model-scripts/sales-app';
import { startModelServer } from '../fixtures/model-server';
import { startPublishServer } from '../fixtures/publish-server';
import { expect, test } from '../fixtures/kiln';
import { datasourceSlug, envPrefix } from '../../shared/vault/catalog';

/**
 * The newcomer's journey, through the UI only, on a fresh profile: first-run wizard →
 * examples → a chat that builds a fullstack app on a REST datasource → live preview with
 * that data → publish → URL. A screenshot of each step is attached to the test output.
 */
const DATA_TOKEN = 'journey-data-token-5e6f7a8b9c';
const MODEL_KEY = 'sk-journey-model-key-00000000000000';

/** The "remote" REST API behind the datasource: answers only with the right bearer token. */
async function startSalesApi(): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    if (req.headers.authorization !== `Bearer ${DATA_TOKEN}`) return void res.writeHead(401).end();
    if (req.url !== '/sales') return void res.writeHead(404).end();
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify([{ region: 'North', revenue: 1200 }, { region: 'Lagoon Coast', revenue: 3400 }]));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}

async function snap(page: Page, info: TestInfo, name: string): Promise<void> {
  await info.attach(name, { body: await page.screenshot(), contentType: 'image/png' });
}

test('newcomer: wizard → examples → chat builds an app from a datasource → live preview → publish → URL', async ({ page, kiln }, info) => {
  test.setTimeout(180_000);
  const model = await startModelServer({ models: ['kiln-test-model', 'kiln-test-model-mini'] });
  const publish = await startPublishServer({ apiKey: 'journey-publish-key' });
  const salesApi = await startSalesApi();
  try {
    const app = await kiln.start({
      settings: {
        ui: { firstRunDone: false },
        publish: { url: publish.url },
        // Debian's FastAPI without PyPI: install nothing new, see what the system has.
        python: { pipArgs: ['--no-index', '--no-deps', '--retries', '0', '--timeout', '3'] },
      },
      env: { KILN_PUBLISH_API_KEY: publish.apiKey },
    });
    await page.goto(app.url);

    // 1. Wizard: workspace.
    const wizard = page.getByRole('dialog', { name: 'Choose your workspace' });
    await expect(wizard).toBeVisible();
    await expect(wizard.getByLabel('Workspace folder')).toHaveValue(app.workspace);
    await snap(page, info, '1-wizard-workspace');
    await wizard.getByRole('button', { name: 'Next' }).click();

    // 2. Wizard: model provider, key, Test connection.
    const provider = page.getByRole('dialog', { name: 'Connect a model' });
    await provider.getByLabel('Provider').selectOption('custom');
    await provider.getByLabel('Base URL').fill(model.url);
    await provider.getByLabel('Base URL').press('Enter');
    await provider.getByLabel('API key').fill(MODEL_KEY);
    await provider.getByRole('button', { name: 'Save', exact: true }).click();
    await expect(provider.getByText('Set (in keychain)')).toBeVisible();
    await provider.getByRole('button', { name: 'Test connection' }).click();
    await expect(provider.getByText(`Connected to ${model.url}: 2 models.`)).toBeVisible();
    await provider.getByRole('group', { name: 'Available models' }).getByRole('button', { name: 'kiln-test-model', exact: true }).click();
    await expect(provider.getByRole('button', { name: 'kiln-test-model', exact: true })).toHaveAttribute('aria-pressed', 'true');
    await snap(page, info, '2-wizard-provider');
    await provider.getByRole('button', { name: 'Next' }).click();

    // 3. Wizard: Python and the keychain are checked for real.
    const system = page.getByRole('dialog', { name: 'Check this machine' });
    await expect(system.getByText(/virtual environments work/)).toBeVisible({ timeout: 60_000 });
    await expect(system.getByText('Available and unlocked.')).toBeVisible();
    await snap(page, info, '3-wizard-system');
    // A reload mid-setup comes back to the same step.
    await page.reload();
    await expect(system.getByText('Available and unlocked.')).toBeVisible({ timeout: 60_000 });
    await system.getByRole('button', { name: 'Next' }).click();

    // 4. Wizard: examples, then the gallery.
    const examples = page.getByRole('dialog', { name: 'Try the examples' });
    await examples.getByRole('button', { name: 'Add the examples' }).click();
    await expect(examples.getByText('Added 2 examples to your gallery.')).toBeVisible();
    await examples.getByRole('button', { name: 'Finish' }).click();
    await expect(examples).toBeHidden();
    await expect(page.getByRole('article')).toHaveCount(2);
    await snap(page, info, '4-gallery-examples');

    // 5. A datasource, added in Settings.
    await page.getByRole('navigation', { name: 'Navigation' }).getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('navigation', { name: 'Settings sections' }).getByRole('button', { name: 'Datasources' }).click();
    await page.getByRole('button', { name: 'Add datasource' }).click();
    const form = page.getByRole('dialog', { name: 'Add a datasource' });
    await form.getByLabel('Type').selectOption('rest-api');
    await form.getByLabel('Name *').fill('Sales API');
    await form.getByLabel('Base URL *').fill(salesApi.url);
    await form.getByLabel('Token', { exact: true }).fill(DATA_TOKEN);
    await form.getByRole('button', { name: 'Add datasource' }).click();
    await expect(form).toBeHidden();
    await expect(page.getByRole('listitem').filter({ hasText: 'Sales API' })).toContainText('Set');
    await snap(page, info, '5-datasource');
    const stored = JSON.parse(readFileSync(path.join(app.workspace, '.kiln', 'datasources.json'), 'utf8')) as { datasources: { engine: string; name: string }[] };
    const ds = stored.datasources[0]!;
    const dsSlug = datasourceSlug(ds.engine, ds.name);
    const prefix = envPrefix(ds.engine, ds.name);

    // 6. The chat builds the app on that datasource and launches it.
    model.enqueue(...salesAppScript(dsSlug, prefix));
    await page.getByRole('navigation', { name: 'Navigation' }).getByRole('button', { name: 'Chat' }).click();
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill('Build me an app that shows sales by region from the Sales API');
    await box.press('Enter');
    const log = page.getByRole('log', { name: 'Conversation' });
    await expect(log.getByText('app is running with live data', { exact: false })).toBeVisible({ timeout: 90_000 });
    await snap(page, info, '6-chat');

    // 7. Live preview with the datasource's data, fetched by the backend with the keychain token.
    await log.getByRole('group', { name: 'Artifact Sales by region' }).first().getByRole('button', { name: 'Open preview' }).click();
    // The app declared the datasource; the first launch waits for the user's grant.
    const grant = page.getByRole('alertdialog', { name: /This app asks for/ });
    await expect(grant).toBeVisible({ timeout: 60_000 });
    await expect(grant).toContainText('Sales API');
    await grant.getByRole('button', { name: 'Allow and restart' }).click();
    const frame = page.frameLocator('iframe[title^="App preview"]');
    await expect(frame.getByRole('cell', { name: 'Lagoon Coast' })).toBeVisible({ timeout: 60_000 });
    await snap(page, info, '7-live-preview');

    // 8. Publish from the agent's card: review sheet → Publish → URL.
    await log.getByRole('group', { name: 'Publish suggestion' }).getByRole('button', { name: /Review and publish/ }).click();
    const sheet = page.getByRole('dialog', { name: /Publish “Sales by region”/ });
    await expect(sheet.getByRole('region', { name: 'Datasource secrets' })).toContainText(`${prefix}__TOKEN`);
    await snap(page, info, '8-publish-review');
    await sheet.getByRole('button', { name: 'Publish', exact: true }).click();
    const url = sheet.getByTestId('publish-url');
    await expect(url).toHaveText(new RegExp(`^${publish.url}/r/[0-9a-f]+/$`));
    await snap(page, info, '9-published');

    // What crossed the wire: the token in the JSON body only, never in the zip; the model never saw it.
    const upload = publish.uploads()[0]!;
    expect(upload.body!.secrets).toEqual({ [`${prefix}__BASE_URL`]: salesApi.url, [`${prefix}__TOKEN`]: DATA_TOKEN });
    const files = upload.files!;
    expect(Object.keys(files).sort()).toEqual(['backend.py', 'requirements.txt', 'static/index.html']);
    for (const content of Object.values(files)) expect(content).not.toContain(DATA_TOKEN);
    expect(model.requests.length).toBeGreaterThan(4);
    for (const req of model.requests) {
      expect(req.raw).not.toContain(DATA_TOKEN);
      expect(req.raw).not.toContain(MODEL_KEY);
    }
    expect(model.requests.filter((r) => r.path.includes('chat')).every((r) => r.headers.authorization === `Bearer ${MODEL_KEY}`)).toBe(true);
  } finally {
    await model.close();
    await publish.close();
    await salesApi.close();
  }
});
