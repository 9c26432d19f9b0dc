import path from 'node:path';
import { startModelServer } from '../fixtures/model-server';
import { expect, test } from '../fixtures/kiln';

/** Renders docs/screenshots/key-origin.png: Settings → Provider asking before the key goes to a new address. */
const OUT = path.resolve('docs/screenshots');

test('Key origin screenshot', async ({ page, kiln }) => {
  test.setTimeout(120_000);
  const first = await startModelServer();
  const second = await startModelServer();
  try {
    const app = await kiln.start({ settings: { provider: { preset: 'custom', baseUrl: first.url, model: 'gpt-4.1' } } });
    await page.goto(app.url);
    await page.getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('navigation', { name: 'Settings sections' }).getByRole('button', { name: 'Provider' }).click();
    await page.getByLabel('API key', { exact: true }).fill('sk-screens-0000000000000000000000');
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByText('Set (in keychain)')).toBeVisible();
    await page.getByLabel('Base URL').fill(second.url);
    await page.getByLabel('Base URL').press('Enter');
    await expect(page.getByRole('alert', { name: 'Key address not confirmed' })).toBeVisible();
    await page.screenshot({ path: path.join(OUT, 'key-origin.png') });
  } finally {
    await first.close();
    await second.close();
  }
});
