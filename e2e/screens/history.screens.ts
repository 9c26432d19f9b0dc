import path from 'node:path';
import type { Page } from '@playwright/test';
import { startModelServer } from '../fixtures/model-server';
import { expect, test } from '../fixtures/kiln';

/** Renders docs/screenshots/history.png: the History tab with a turn's diff open, next to the chat. */
const OUT = path.resolve('docs/screenshots');

const v1 = `<!doctype html>
<title>Revenue by region</title>
<style>body{font-family:system-ui;margin:24px} .bar{background:#4f7cff;height:18px;margin:4px 0}</style>
<h1>Revenue by region</h1>
<p>North 1,200 · South 980 · West 1,750</p>
<div class="bar" style="width:120px"></div>
<div class="bar" style="width:98px"></div>
<div class="bar" style="width:175px"></div>
`;
const v2 = v1
  .replace('#4f7cff', '#16a34a')
  .replace('<p>North 1,200 · South 980 · West 1,750</p>', '<p>North 1,200 · South 980 · West 1,750 · Lagoon Coast 3,400</p>')
  .replace('<div class="bar" style="width:175px"></div>\n', '<div class="bar" style="width:175px"></div>\n<div class="bar" style="width:340px"></div>\n');

async function send(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.fill(text);
  await box.press('Enter');
}

test('History screenshot', async ({ page, kiln }) => {
  test.setTimeout(120_000);
  const model = await startModelServer();
  try {
    const app = await kiln.start({
      settings: { provider: { preset: 'custom', baseUrl: model.url, model: 'gpt-4.1' } },
      env: { OPENAI_API_KEY: 'sk-screens-0000000000000000000000' },
    });
    model.enqueue(
      { kind: 'tools', calls: [{ name: 'create_artifact', args: { name: 'Revenue by region', description: 'Bars per region.', type: 'html-app', primary: 'index.html' } }] },
      { kind: 'tools', calls: [{ name: 'write_file', args: { slug: '{{resource_id}}', path: 'index.html', content: v1 } }] },
      { kind: 'text', text: 'Here is **Revenue by region**: one bar per region.' },
      { kind: 'tools', calls: [{ name: 'write_file', args: { slug: '{{resource_id}}', path: 'index.html', content: v2 } }] },
      { kind: 'text', text: 'Added Lagoon Coast and made the bars green.' },
    );
    await page.goto(app.url);
    await send(page, 'Chart revenue by region');
    const log = page.getByRole('log', { name: 'Conversation' });
    await expect(log.getByText('one bar per region')).toBeVisible({ timeout: 30_000 });
    await send(page, 'Add Lagoon Coast and make the bars green');
    await expect(log.getByText('made the bars green')).toBeVisible({ timeout: 30_000 });
    await log.getByRole('group', { name: 'Artifact Revenue by region' }).getByRole('button', { name: 'Open preview' }).click();
    await expect(log.locator('.turn').nth(1).getByRole('button', { name: 'Undo this turn' })).toBeVisible();
    await page.getByRole('tab', { name: 'History' }).click();
    const newest = page.getByRole('list', { name: 'Checkpoints, newest first' }).locator('.history-item').first();
    await newest.getByRole('button', { name: /Agent turn/ }).click();
    await expect(newest.locator('.history-add').first()).toBeVisible();
    await page.mouse.move(0, 0);
    await page.screenshot({ path: path.join(OUT, 'history.png') });
  } finally {
    await model.close();
  }
});
