import path from 'node:path';
import type { Page } from '@playwright/test';
import { startPostgres } from '../fixtures/databases';
import { expect, test } from '../fixtures/kiln';

/** docs/screenshots/datasource-test.png: Test connection against a real (private) PostgreSQL, and the status in the list. */
const OUT = path.resolve('docs/screenshots');
const shot = (page: Page, name: string) => page.screenshot({ path: path.join(OUT, `${name}.png`) });

test('datasource screenshots', async ({ page, kiln }) => {
  test.setTimeout(120_000);
  const db = await startPostgres();
  try {
    const app = await kiln.start();
    await page.goto(app.url);
    await page.getByRole('navigation', { name: 'Navigation' }).getByRole('button', { name: 'Settings' }).click();
    await page.getByRole('navigation', { name: 'Settings sections' }).getByRole('button', { name: 'Datasources' }).click();
    await page.getByRole('button', { name: 'Add datasource' }).click();
    const form = page.getByRole('dialog', { name: 'Add a datasource' });
    await form.getByLabel('Type').selectOption('postgres');
    await form.getByLabel('Name *').fill('Shop database');
    await form.getByLabel('Host *').fill(db.host);
    await form.getByLabel('Port').fill(String(db.port));
    await form.getByLabel('Database *').fill(db.database);
    await form.getByLabel('User *').fill(db.user);
    await form.getByLabel('Password', { exact: true }).fill(db.password);
    await form.getByRole('button', { name: 'Test connection' }).click();
    await expect(form.getByRole('status')).toHaveText(/^Connected: PostgreSQL/);
    await shot(page, 'datasource-test');
    await form.getByRole('button', { name: 'Add datasource' }).click();
    await expect(form).toBeHidden();
    await expect(page.getByRole('group', { name: 'Connection status of Shop database' })).toContainText('Connected');
    await shot(page, 'datasources');
  } finally {
    await db.stop();
  }
});
