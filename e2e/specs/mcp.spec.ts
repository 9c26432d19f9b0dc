import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { startModelServer, type ModelServer } from '../fixtures/model-server';
import { expect, test } from '../fixtures/kiln';

/**
 * Settings → Tools (MCP) and the agent using an MCP tool, in Chromium against the web host:
 * a real MCP server from npm (@modelcontextprotocol/server-everything over stdio), the scripted
 * model server for the provider, the real keychain.
 */
const EVERYTHING = path.resolve('node_modules/@modelcontextprotocol/server-everything/dist/index.js');
const SECRET = 'e2e-mcp-server-token-5d4c3b2a';
/** A credential passed as an argument: kept in the keychain, shown masked. */
const ARG_SECRET = 'sk-e2e-mcp-arg-9a8b7c6d';

let model: ModelServer;
test.beforeEach(async () => {
  model = await startModelServer();
});
test.afterEach(async () => {
  await model.close();
});

async function openTools(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('navigation', { name: 'Settings sections' }).getByRole('button', { name: 'Tools (MCP)' }).click();
}

test('add a stdio MCP server in Settings → Tools; the agent calls its tool after Allow once', async ({ page, kiln }) => {
  test.setTimeout(120_000);
  const app = await kiln.start({
    settings: { provider: { preset: 'custom', baseUrl: model.url, model: 'test-model' } },
    env: { OPENAI_API_KEY: 'sk-e2e-provider-key-0000000000000000' },
  });
  await page.goto(app.url);
  await openTools(page);
  await expect(page.getByText('No MCP servers yet')).toBeVisible();

  await page.getByRole('button', { name: 'Add server' }).click();
  const form = page.getByRole('dialog', { name: 'Add an MCP server' });
  await form.getByLabel('Name *').fill('everything');
  await form.getByLabel('Command *').fill(process.execPath);
  await form.getByLabel('Arguments').fill(`${EVERYTHING}\nstdio\n--api-key=${ARG_SECRET}`);
  await form.getByRole('button', { name: '+ Add' }).click();
  await form.getByLabel('Environment 1 name').fill('SERVICE_TOKEN');
  await form.getByLabel('Environment 1 value').fill(SECRET);
  await form.getByRole('checkbox', { name: 'Secret' }).check();
  await form.getByRole('button', { name: 'Add server' }).click();
  await expect(form).toBeHidden();

  const card = page.getByRole('listitem', { name: 'MCP server everything' });
  await expect(card.getByRole('status')).toHaveText(/Connected · \d+ tools/, { timeout: 30_000 });
  await card.getByText('Tools and permissions').click();
  await expect(card.getByRole('combobox', { name: 'Permission for echo' })).toHaveValue('ask');

  // A scripted turn calls the server's echo tool; the card asks first.
  model.enqueue(
    { kind: 'tools', calls: [{ id: 'mcp-1', name: 'everything__echo', args: { message: 'hello from the MCP server' } }] },
    { kind: 'text', text: 'The server echoed your message.' },
  );
  await page.getByRole('navigation', { name: 'Navigation' }).getByRole('button', { name: 'Chat' }).click();
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill('Ask the everything server to echo a greeting');
  await box.press('Enter');

  const prompt = page.getByRole('group', { name: 'Allow echo from everything?' });
  await expect(prompt).toBeVisible({ timeout: 30_000 });
  await expect(prompt).toContainText('hello from the MCP server');
  await expect(page.locator('.tool-card .tool-server')).toHaveText('everything ›');
  await prompt.getByRole('button', { name: 'Allow once' }).click();
  await expect(prompt).toBeHidden();
  await expect(page.getByText('The server echoed your message.')).toBeVisible({ timeout: 30_000 });

  const toolCard = page.locator('.tool-card').first();
  await toolCard.locator('summary').click();
  await expect(toolCard).toContainText('Echo: hello from the MCP server');
  expect(String(model.requests[1]!.body.messages!.at(-1)!.content)).toContain('Echo: hello from the MCP server');
  for (const r of model.requests) expect(r.raw).not.toContain(SECRET);

  // Editing never shows the stored secret; turning the server off stops it.
  await openTools(page);
  await card.getByRole('button', { name: 'Edit everything' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit everything' });
  await expect(edit.getByLabel('Environment 1 value')).toHaveValue('');
  await expect(edit.getByLabel('Environment 1 value')).toHaveAttribute('placeholder', /Stored in the keychain/);
  await expect(edit.getByLabel('Arguments')).toHaveValue(`${EVERYTHING}\nstdio\n--api-key=••••`);
  expect(await page.content()).not.toContain(ARG_SECRET);
  expect(readFileSync(path.join(app.userData, 'mcp-servers.json'), 'utf8')).not.toContain(ARG_SECRET);
  // Saved unchanged, the masked argument keeps its secret and the server starts again.
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expect(edit).toBeHidden();
  await expect(card.getByRole('status')).toHaveText(/Connected · \d+ tools/, { timeout: 30_000 });
  await card.getByRole('switch', { name: 'Enable everything' }).uncheck();
  await expect(card.getByRole('status')).toHaveText('Off');
});
