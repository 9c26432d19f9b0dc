import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { freePort, startPostgres, type TestDatabase } from '../fixtures/databases';
import { pgSalesAppScript } from '../fixtures/model-scripts/pg-sales-app';
import { startModelServer, type ModelServer } from '../fixtures/model-server';
import { startPublishServer } from '../fixtures/publish-server';
import { expect, test } from '../fixtures/kiln';
import { datasourceSlug, envPrefix } from '../../shared/vault/catalog';

/**
 * Datasources that really connect, in Chromium against a private PostgreSQL 15 (started once for
 * this file): Test connection in the form, save → test → "save anyway?", the status in the list,
 * then a scripted agent turn that describes and queries the database and builds an app whose
 * backend.py reads the table with psycopg2 through DS_*; the preview shows the real rows and the
 * publish review names the datasource's secrets.
 */
const MODEL_KEY = 'sk-e2e-datasources-key-00000000000000';
let db: TestDatabase;
let model: ModelServer;

test.describe.configure({ mode: 'serial' });
test.beforeAll(async () => {
  db = await startPostgres();
  model = await startModelServer();
});
test.afterAll(async () => {
  await model?.close();
  await db?.stop();
});

async function openDatasources(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Navigation' }).getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('navigation', { name: 'Settings sections' }).getByRole('button', { name: 'Datasources' }).click();
}

async function fillPostgres(page: Page, password: string): Promise<void> {
  const form = page.getByRole('dialog', { name: 'Add a datasource' });
  await form.getByLabel('Type').selectOption('postgres');
  await form.getByLabel('Name *').fill('Shop DB');
  await form.getByLabel('Host *').fill(db.host);
  await form.getByLabel('Port').fill(String(db.port));
  await form.getByLabel('Database *').fill(db.database);
  await form.getByLabel('User *').fill(db.user);
  await form.getByLabel('Password', { exact: true }).fill(password);
}

test('Test connection, save → test → "save anyway?", status in the list; an agent builds an app on the real table', async ({ page, kiln }) => {
  test.setTimeout(240_000);
  const publish = await startPublishServer({ apiKey: 'ds-publish-key' });
  try {
    const app = await kiln.start({
      settings: {
        provider: { preset: 'custom', baseUrl: model.url, model: 'test-model' },
        publish: { url: publish.url },
        python: { pipArgs: ['--no-index', '--no-deps', '--retries', '0', '--timeout', '3'] },
      },
      env: { OPENAI_API_KEY: MODEL_KEY, KILN_PUBLISH_API_KEY: publish.apiKey },
    });
    await page.goto(app.url);
    await openDatasources(page);

    // 1. A wrong password: Save tests first and asks before saving.
    await page.getByRole('button', { name: 'Add datasource' }).click();
    const form = page.getByRole('dialog', { name: 'Add a datasource' });
    await fillPostgres(page, 'not-the-password');
    await form.getByRole('button', { name: 'Add datasource' }).click();
    const ask = form.getByRole('group', { name: 'Save anyway?' });
    await expect(ask).toContainText('The connection test failed: The server rejected the user "analyst" or its password: check both.');
    await ask.getByRole('button', { name: 'Keep editing' }).click();
    await expect(ask).toBeHidden();

    // 2. A closed port, from the Test button: its own sentence.
    const closed = await freePort();
    await form.getByLabel('Port').fill(String(closed));
    await form.getByLabel('Password', { exact: true }).fill(db.password);
    await form.getByRole('button', { name: 'Test connection' }).click();
    await expect(form.getByRole('status')).toHaveText(`Nothing is listening on ${db.host}:${closed}: check the host and port, and that the server is running.`);

    // 3. The right values: connected, with the server version; then saved.
    await form.getByLabel('Port').fill(String(db.port));
    await form.getByRole('button', { name: 'Test connection' }).click();
    await expect(form.getByRole('status')).toHaveText(/^Connected: PostgreSQL 15\.\d+\.$/);
    await form.getByRole('button', { name: 'Add datasource' }).click();
    await expect(form).toBeHidden();
    const item = page.getByRole('listitem').filter({ hasText: 'Shop DB' });
    await expect(item.getByRole('group', { name: 'Connection status of Shop DB' })).toContainText('Connected');
    await page.getByRole('button', { name: 'Test connection to Shop DB' }).click();
    await expect(item.getByRole('group', { name: 'Connection status of Shop DB' })).toContainText(/Connected · (now|just now|\d+ seconds? ago)/);

    const stored = JSON.parse(readFileSync(path.join(app.workspace, '.kiln', 'datasources.json'), 'utf8')) as { datasources: { engine: string; name: string; connection?: { state: string } }[] };
    const ds = stored.datasources[0]!;
    expect(ds.connection?.state).toBe('ok');
    expect(JSON.stringify(stored)).not.toContain(db.password);
    const dsSlug = datasourceSlug(ds.engine, ds.name);
    const prefix = envPrefix(ds.engine, ds.name);

    // 4. The agent describes, queries (a DELETE is refused), builds and launches the app.
    model.reset();
    model.enqueue(...pgSalesAppScript(dsSlug, prefix));
    await page.getByRole('navigation', { name: 'Navigation' }).getByRole('button', { name: 'Chat' }).click();
    const box = page.getByRole('textbox', { name: 'Message' });
    await box.fill('Build an app showing revenue by region from my shop database');
    await box.press('Enter');
    const log = page.getByRole('log', { name: 'Conversation' });
    await expect(log.getByText('reads the sales table live', { exact: false })).toBeVisible({ timeout: 150_000 });

    // What the model got: the schema, real rows, a refusal, never the password.
    const toolResults = model.requests.flatMap((r) => (r.body.messages ?? []).filter((m) => m.role === 'tool').map((m) => String(m.content)));
    expect(toolResults.some((t) => t.includes('"name":"sales"') && t.includes('"region"'))).toBe(true);
    expect(toolResults.some((t) => t.includes('Lagoon Coast'))).toBe(true);
    expect(toolResults.some((t) => t.includes('Refused: the query tried to change the database'))).toBe(true);
    for (const req of model.requests) expect(req.raw).not.toContain(db.password);

    // 5. The preview shows the real rows (accepting the datasource grant if Kiln asks for one).
    await log.getByRole('group', { name: 'Artifact Sales from PostgreSQL' }).first().getByRole('button', { name: 'Open preview' }).click();
    const frame = page.frameLocator('iframe[title^="App preview"]');
    const grant = page.getByRole('alertdialog', { name: /This app asks for/ });
    const cell = frame.getByRole('cell', { name: 'Lagoon Coast' });
    // The page and the frame are separate documents, so wait for either one by polling both.
    await expect(async () => expect((await grant.isVisible()) || (await cell.isVisible())).toBe(true)).toPass({ timeout: 60_000 });
    if (await grant.isVisible()) await grant.getByRole('button', { name: /^Allow/ }).click();
    await expect(cell).toBeVisible({ timeout: 60_000 });
    await expect(frame.getByRole('cell', { name: 'Высокогорье' })).toBeVisible();
    await expect(frame.getByRole('cell', { name: '3400' })).toBeVisible();

    // 6. The publish review lists the datasource's secret names (never values).
    await log.getByRole('group', { name: 'Publish suggestion' }).getByRole('button', { name: /Review and publish/ }).click();
    const sheet = page.getByRole('dialog', { name: /Publish “Sales from PostgreSQL”/ });
    const secrets = sheet.getByRole('region', { name: 'Datasource secrets' });
    await expect(secrets).toContainText(`${prefix}__PASSWORD`);
    await expect(secrets).toContainText(`${prefix}__HOST`);
    expect(await page.content()).not.toContain(db.password);
  } finally {
    await publish.close();
  }
});
