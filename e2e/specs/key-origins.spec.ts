import type { Page } from '@playwright/test';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startModelServer, type ModelServer } from '../fixtures/model-server';
import { expect, test } from '../fixtures/kiln';

/**
 * Keys follow confirmed origins (docs/security.md, point 6): two scripted model servers on two
 * loopback ports are two origins. Moving the provider URL in Settings shows a warning, a chat
 * turn fails with a sentence and the second server gets nothing; after Confirm the turn works.
 */
const KEY = 'sk-e2e-origin-key-0123456789abcdef';
let first: ModelServer;
let second: ModelServer;
test.beforeEach(async () => {
  first = await startModelServer();
  second = await startModelServer();
});
test.afterEach(async () => {
  await first.close();
  await second.close();
});

async function openSettings(page: Page, section: string): Promise<void> {
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('navigation', { name: 'Settings sections' }).getByRole('button', { name: section }).click();
  await expect(page.getByRole('heading', { name: section, level: 2, exact: true })).toBeVisible();
}

async function chat(page: Page, text: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Navigation' }).getByRole('button', { name: 'Chat' }).click();
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill(text);
  await box.press('Enter');
}

test('a changed provider URL gets the key only after Confirm; the chat turn says why until then', async ({ page, kiln }) => {
  const app = await kiln.start({ settings: { provider: { preset: 'custom', baseUrl: first.url, model: 'test-model' } } });
  await page.goto(app.url);
  await openSettings(page, 'Provider');
  await page.getByLabel('API key', { exact: true }).fill(KEY);
  await page.getByRole('button', { name: 'Save' }).click();
  await expect(page.getByText('Set (in keychain)')).toBeVisible();
  const warning = page.getByRole('alert', { name: 'Key address not confirmed' });
  await expect(warning).toBeHidden();

  first.enqueue({ kind: 'text', text: 'Answer from the first server.' });
  await chat(page, 'Hello first');
  const log = page.getByRole('log', { name: 'Conversation' });
  await expect(log.getByText('Answer from the first server.')).toBeVisible();
  expect(first.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`);

  // The user points the provider elsewhere: saving the URL does not confirm it.
  const firstOrigin = new URL(first.url).origin;
  const secondOrigin = new URL(second.url).origin;
  await openSettings(page, 'Provider');
  await page.getByLabel('Base URL').fill(second.url);
  await page.getByLabel('Base URL').press('Enter');
  await expect(warning).toContainText(`Your key was confirmed for ${firstOrigin}. Send it to ${secondOrigin}?`);

  second.enqueue({ kind: 'text', text: 'Answer from the second server.' });
  await chat(page, 'Hello second');
  await expect(log.getByRole('alert').last()).toContainText(
    `Your provider API key was confirmed for ${firstOrigin}, not for ${secondOrigin}, so Kiln did not send it there. If you trust ${secondOrigin}, confirm it in Settings → Provider.`,
  );
  expect(second.requests).toHaveLength(0);
  expect(readFileSync(path.join(app.userData, 'key-origins.json'), 'utf8')).toContain(firstOrigin);

  // Confirm, by keyboard.
  await openSettings(page, 'Provider');
  await warning.getByRole('button', { name: 'Confirm' }).focus();
  await page.keyboard.press('Enter');
  await expect(warning).toBeHidden();

  await chat(page, 'Hello again');
  await expect(log.getByText('Answer from the second server.')).toBeVisible();
  expect(second.requests).toHaveLength(1);
  expect(second.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
  expect(await page.locator('body').innerText()).not.toContain(KEY);
});

test('an environment override of the provider URL waits for Confirm too; nothing reaches it before', async ({ page, kiln }) => {
  // The record says the key was confirmed for the first server; this start's environment points at the second.
  const userData = path.join(kiln.tempDir, 'user-data');
  mkdirSync(userData, { recursive: true });
  const at = new Date().toISOString();
  writeFileSync(path.join(userData, 'key-origins.json'), JSON.stringify({ version: 1, origins: { 'provider.apiKey': { origin: new URL(first.url).origin, at, how: 'set' } } }));
  const app = await kiln.start({
    userData,
    settings: { provider: { preset: 'openai', baseUrl: 'https://api.openai.com/v1', model: 'test-model' } },
    env: { OPENAI_BASE_URL: second.url, OPENAI_API_KEY: KEY },
  });
  await page.goto(app.url);
  await openSettings(page, 'Provider');
  const warning = page.getByRole('alert', { name: 'Key address not confirmed' });
  await expect(warning).toContainText(`Send it to ${new URL(second.url).origin}?`);
  second.enqueue({ kind: 'text', text: 'Answer from the environment server.' });
  await chat(page, 'Hello');
  const log = page.getByRole('log', { name: 'Conversation' });
  await expect(log.getByRole('alert').last()).toContainText(`If you trust ${new URL(second.url).origin}, confirm it in Settings → Provider.`);
  expect(second.requests).toHaveLength(0);
  await openSettings(page, 'Provider');
  await warning.getByRole('button', { name: 'Confirm' }).click();
  await expect(warning).toBeHidden();
  await log.page().getByRole('navigation', { name: 'Navigation' }).getByRole('button', { name: 'Chat' }).click();
  await log.getByRole('button', { name: 'Retry' }).click();
  await expect(log.getByText('Answer from the environment server.')).toBeVisible();
  expect(second.requests[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
});

test('Publishing: a changed publish endpoint shows the warning until Confirm', async ({ page, kiln }) => {
  // A key from the environment on an install without a record: the endpoint in effect is adopted once.
  const app = await kiln.start({ settings: { publish: { url: 'http://127.0.0.1:9' } }, env: { KILN_PUBLISH_API_KEY: 'publish-e2e-key-0123456789' } });
  await page.goto(app.url);
  await openSettings(page, 'Publishing');
  const warning = page.getByRole('alert', { name: 'Key address not confirmed' });
  const endpoint = page.getByLabel('Publish endpoint');
  await expect(endpoint).toHaveValue('http://127.0.0.1:9');
  await expect(warning).toBeHidden();
  await endpoint.fill('http://127.0.0.1:10');
  await endpoint.press('Enter');
  await expect(warning).toContainText('Your key was confirmed for http://127.0.0.1:9. Send it to http://127.0.0.1:10?');
  await warning.getByRole('button', { name: 'Confirm' }).click();
  await expect(warning).toBeHidden();
  await page.reload();
  await openSettings(page, 'Publishing');
  await expect(page.getByLabel('Publish endpoint')).toHaveValue('http://127.0.0.1:10');
  await expect(warning).toBeHidden();
});
