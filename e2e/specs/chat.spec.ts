import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { KeychainSecretStore } from '../../electron/services/vault/secret-store';
import { FULLSTACK_MARKER, backendPy, indexHtml } from '../fixtures/model-scripts/fullstack';
import { startModelServer, type ModelServer } from '../fixtures/model-server';
import { expect, test } from '../fixtures/kiln';

/**
 * Chat journeys against the web host, with the scripted OpenAI-compatible server standing in
 * for the provider (real HTTP, SSE). Everything else is real: agent, tools, Python, backends.
 */
let model: ModelServer;
test.beforeEach(async () => {
  model = await startModelServer();
});
test.afterEach(async () => {
  await model.close();
});

const providerSettings = () => ({
  provider: { preset: 'custom' as const, baseUrl: model.url, model: 'test-model' },
  // Debian's fastapi metadata pins an older starlette than it ships: install without deps.
  python: { pipArgs: ['--no-index', '--no-deps', '--retries', '0', '--timeout', '3'] },
});
const KEY = 'sk-e2e-provider-key-0000000000000000';

async function send(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill(text);
  await box.press('Enter');
}

test('the agent builds a fullstack app, launches it, and the preview shows it; a vault secret never reaches the model', async ({ page, kiln }) => {
  const SECRET = 'e2e-chat-Pg-s3cret-7c6b5a';
  const app = await kiln.start({ settings: providerSettings(), env: { OPENAI_API_KEY: KEY } });
  // A connected datasource: fields on disk, the password in this instance's keychain.
  mkdirSync(path.join(app.workspace, '.kiln'), { recursive: true });
  const now = new Date().toISOString();
  writeFileSync(
    path.join(app.workspace, '.kiln', 'datasources.json'),
    JSON.stringify({
      version: 1,
      datasources: [
        { engine: 'postgres', name: '0a1b2c3d', label: 'Warehouse', fields: { host: 'db.internal', port: '5432', database: 'sales', user: 'analyst' }, secretFields: ['password'], createdAt: now, updatedAt: now },
      ],
    }),
  );
  await new KeychainSecretStore({ keychainService: app.keychainService }).set('DS_POSTGRES_0A1B2C3D__PASSWORD', SECRET);

  model.enqueue(
    {
      kind: 'tools',
      text: 'I will build a small app for that.',
      calls: [{ name: 'create_artifact', args: { name: 'Answer App', description: 'Shows the answer.', type: 'fullstack-stateless-app', primary: 'static/index.html' } }],
    },
    {
      kind: 'tools',
      splits: 7,
      calls: [
        { name: 'write_file', args: { slug: '{{resource_id}}', path: 'backend.py', content: backendPy } },
        { name: 'write_file', args: { slug: '{{resource_id}}', path: 'static/index.html', content: indexHtml } },
        { name: 'write_file', args: { slug: '{{resource_id}}', path: 'requirements.txt', content: 'fastapi\nuvicorn\n' } },
        { name: 'update_artifact', args: { slug: '{{resource_id}}', datasources: ['postgres-0a1b2c3d'] } },
      ],
    },
    { kind: 'tools', calls: [{ name: 'launch_backend', args: { slug: '{{resource_id}}' } }] },
    { kind: 'text', text: 'Your **Answer App** is running.\n\n```python\nprint("hi")\n```', chunkSize: 6 },
  );

  await page.goto(app.url);
  await send(page, 'Build me an app that shows the answer');
  const log = page.getByRole('log', { name: 'Conversation' });
  await expect(log.getByText('Answer App is running', { exact: false })).toBeVisible({ timeout: 60_000 });
  await expect(log.locator('.tool-card')).toHaveCount(6);
  await expect(log.locator('.tool-card.tool-ok')).toHaveCount(6);
  await expect(log.getByRole('button', { name: 'Copy code' })).toBeVisible();
  await expect(log.getByText(/tokens ·/)).toBeVisible();

  await log.getByRole('group', { name: 'Artifact Answer App' }).getByRole('button', { name: 'Open preview' }).click();
  const frame = page.frameLocator('iframe[title^="App preview"]');
  await expect(frame.getByRole('heading', { name: FULLSTACK_MARKER })).toBeVisible({ timeout: 30_000 });
  await expect(frame.getByText('The answer is 42')).toBeVisible();
  // The app declared the datasource; it gets it only once the user allows it.
  const grant = page.getByRole('alertdialog', { name: /This app asks for/ });
  await expect(grant).toContainText('Warehouse');
  await grant.getByRole('button', { name: 'Allow and restart' }).click();
  await expect(grant).toBeHidden({ timeout: 30_000 });

  // A careless model prints the (now granted) secret: the result the model gets back is masked.
  model.enqueue(
    { kind: 'tools', calls: [{ name: 'run_python', args: { slug: '{{resource_id}}', code: 'import os\nprint(os.environ["DS_POSTGRES_0A1B2C3D__PASSWORD"])' } }] },
    { kind: 'text', text: 'Printed it.' },
  );
  await send(page, 'Print the database password');
  await expect(log.getByText('Printed it.')).toBeVisible({ timeout: 60_000 });
  await expect(log.locator('.tool-card.tool-ok')).toHaveCount(7);
  // The tool card shows the masked output.
  const python = log.locator('.tool-card', { hasText: 'run_python' });
  await python.locator('summary').click();
  await expect(python).toContainText('[DS_POSTGRES_0A1B2C3D__PASSWORD]');

  expect(model.requests.length).toBe(6);
  for (const r of model.requests) {
    expect(r.raw).not.toContain(SECRET);
    expect(r.headers.authorization).toBe(`Bearer ${KEY}`);
  }
  await expect(page.locator('body')).not.toContainText(SECRET);
});

test('429 then success, Stop mid-stream keeps the text, a 401 shows the key error, retry and the sidebar', async ({ page, kiln }) => {
  const app = await kiln.start({ settings: providerSettings(), env: { OPENAI_API_KEY: KEY } });
  await page.goto(app.url);
  const log = page.getByRole('log', { name: 'Conversation' });

  model.enqueue({ kind: 'error', status: 429, message: 'Rate limited', headers: { 'retry-after': '2' } }, { kind: 'text', text: 'Hello after the wait.' });
  await send(page, 'Say hello');
  // The wait is explained while it lasts.
  await expect(log.getByRole('status')).toContainText('Trying again in');
  await expect(log.getByText('Hello after the wait.')).toBeVisible();
  expect(model.requests).toHaveLength(2);

  const long = Array.from({ length: 400 }, (_, i) => `word${i}`).join(' ');
  model.enqueue({ kind: 'text', text: long, chunkSize: 10, delayMs: 15, hangAfter: 80 });
  await send(page, 'Write a lot');
  await expect(log.getByText('word20 ')).toBeVisible();
  await page.getByRole('button', { name: 'Stop' }).click();
  await expect(log.getByText('Stopped. What streamed before is kept.')).toBeVisible();
  await expect(log.getByText('word20 ')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Send' })).toBeVisible();

  model.enqueue({ kind: 'error', status: 401, message: 'Incorrect API key provided' });
  await page.getByRole('button', { name: 'Retry' }).click();
  await expect(log.getByRole('alert')).toContainText('rejected the API key');
  // Retry replaced the stopped turn rather than adding one.
  await expect(log.locator('.turn')).toHaveCount(2);

  // Edit-and-resend the last message; Shift+Enter adds a line instead of sending.
  model.enqueue({ kind: 'text', text: 'Edited answer.' });
  await log.getByRole('button', { name: 'Edit' }).click();
  const box = page.getByRole('textbox', { name: 'Message' });
  await expect(box).toHaveValue('Write a lot');
  await box.press('End');
  await box.press('Shift+Enter');
  await box.pressSequentially('but shorter');
  await expect(box).toHaveValue('Write a lot\nbut shorter');
  await box.press('Enter');
  await expect(log.getByText('Edited answer.')).toBeVisible();
  await expect(log.locator('.turn')).toHaveCount(2);

  // The sidebar lists the conversation; search filters; a new chat starts empty.
  const list = page.getByRole('list', { name: 'Conversations' });
  await expect(list.getByRole('button', { name: 'Say hello', exact: true })).toBeVisible();
  await page.getByRole('searchbox', { name: 'Search conversations' }).fill('nothing like this');
  await expect(page.getByText('No conversation matches.')).toBeVisible();
  await page.getByRole('searchbox', { name: 'Search conversations' }).fill('');
  await page.getByRole('button', { name: 'New chat' }).click();
  await expect(page.getByRole('heading', { name: 'Start a conversation' })).toBeVisible();
});

test('the web host restarted mid-turn: the conversation reloads with the partial answer marked interrupted', async ({ page, kiln }) => {
  const app = await kiln.start({ settings: providerSettings(), env: { OPENAI_API_KEY: KEY } });
  await page.goto(app.url);
  model.enqueue({ kind: 'text', text: 'The first part of an answer that never finishes', chunkSize: 5, hangAfter: 4 });
  await send(page, 'Tell me a long story');
  const log = page.getByRole('log', { name: 'Conversation' });
  await expect(log.getByText('The first part')).toBeVisible();

  const next = await app.restart();
  await page.goto(next.url);
  await page.getByRole('list', { name: 'Conversations' }).getByRole('button', { name: 'Tell me a long story', exact: true }).click();
  await expect(log.getByText('The first part')).toBeVisible();
  await expect(log.getByText(/Interrupted/)).toBeVisible();
});

test('one agent write_file costs the renderer at most one call, with a gallery of cards on screen and the document in the preview', async ({ page, kiln }) => {
  const root = path.join(kiln.tempDir, 'workspace', '.anton', 'artifacts');
  const CARDS = 12;
  for (let i = 0; i < CARDS; i++) {
    const id = (0xa0 + i).toString(16).padStart(8, '0');
    const slug = `report-${i}-${id}`;
    const stamp = new Date(Date.parse('2026-01-01T00:00:00Z') + i * 60_000).toISOString().slice(0, 19) + '+00:00';
    mkdirSync(path.join(root, slug), { recursive: true });
    writeFileSync(path.join(root, slug, 'report.md'), `# Draft ${i}\n`);
    writeFileSync(
      path.join(root, slug, 'metadata.json'),
      JSON.stringify({ schemaVersion: 1, id, slug, createdAt: stamp, updatedAt: stamp, name: `Report ${i}`, description: '', type: 'document', primary: 'report.md' }),
    );
  }
  const target = `report-${CARDS - 1}-${(0xa0 + CARDS - 1).toString(16).padStart(8, '0')}`;
  const app = await kiln.start({ settings: providerSettings(), env: { OPENAI_API_KEY: KEY } });

  // Every call the page makes, by channel, from the moment the agent is about to write.
  const calls: string[] = [];
  let counting = false;
  page.on('websocket', (ws) =>
    ws.on('framesent', (frame) => {
      const msg = JSON.parse(String(frame.payload)) as { type?: string; channel?: string };
      if (counting && msg.type === 'call' && msg.channel) calls.push(msg.channel);
    }),
  );

  model.enqueue(
    // A slow first step gives the test time to put the gallery on screen before the write.
    { kind: 'tools', calls: [{ name: 'run_python', args: { slug: target, code: 'import time\ntime.sleep(4)' } }] },
    { kind: 'tools', calls: [{ name: 'write_file', args: { slug: target, path: 'report.md', content: '# Revised draft\n\nWith numbers.' } }] },
    { kind: 'text', text: 'Updated the report.' },
  );

  await page.goto(app.url);
  const nav = page.getByRole('navigation', { name: 'Navigation' });
  await nav.getByRole('button', { name: 'Gallery' }).click();
  await page.getByRole('article', { name: `Report ${CARDS - 1}` }).getByRole('button', { name: `Report ${CARDS - 1}`, exact: true }).click();
  const preview = page.getByRole('complementary', { name: 'Preview' });
  await expect(preview.getByRole('heading', { name: 'Draft 11' })).toBeVisible();

  await nav.getByRole('button', { name: 'Chat' }).click();
  await send(page, 'Revise the report');
  await nav.getByRole('button', { name: 'Gallery' }).click();
  // The grid is virtual: the cards in view (with their publish badges) are mounted.
  await expect(page.getByRole('article', { name: `Report ${CARDS - 1}` })).toBeVisible();
  expect(await page.getByRole('article').count()).toBeGreaterThan(5);

  await model.waitForRequest(2);
  counting = true;
  await model.waitForRequest(3);
  await expect(preview.getByRole('heading', { name: 'Revised draft' })).toBeVisible();
  // Let anything else the change might set off arrive.
  await page.waitForTimeout(1500);
  // Chat calls follow the turn (its list, its log), not the file change.
  expect(calls.filter((c) => !c.startsWith('chat.'))).toEqual(['artifacts.readText']);
});
