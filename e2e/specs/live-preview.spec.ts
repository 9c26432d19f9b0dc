import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Frame, Page } from '@playwright/test';
import { expect, test } from '../fixtures/kiln';

const FIXTURE = path.resolve('e2e/fixtures/backends/live-app');

/** Copies the live-app fixture into the workspace; returns its folder. */
function addLiveApp(workspace: string): string {
  const dir = path.join(workspace, '.anton', 'artifacts', 'live-app');
  cpSync(FIXTURE, dir, { recursive: true });
  return dir;
}

/** The app's frame (a Frame, for reading scroll position and route inside it). */
async function appFrame(page: Page): Promise<Frame> {
  await expect.poll(() => page.frames().some((f) => f.url().includes('live-app.localhost'))).toBe(true);
  return page.frames().find((f) => f.url().includes('live-app.localhost'))!;
}

/** An edit as an outside editor makes it: straight to disk. */
function edit(file: string, from: string | RegExp, to: string): void {
  writeFileSync(file, readFileSync(file, 'utf8').replace(from, to));
}

test('the preview follows edits on disk: static reload keeps route and scroll, backend restarts on the same origin, a broken one shows a banner', async ({ page, kiln }) => {
  test.setTimeout(120_000);
  const app = await kiln.start();
  const dir = addLiveApp(app.workspace);
  await page.goto(app.url);
  await page.getByRole('button', { name: 'Gallery' }).click();
  await page.getByRole('article', { name: 'Live app' }).getByRole('button', { name: /Live app/ }).first().click();

  const frameEl = page.locator('iframe[title^="App preview"]');
  const frame = page.frameLocator('iframe[title^="App preview"]');
  await expect(frame.locator('#value')).toHaveText('v1', { timeout: 60_000 });
  const src = await frameEl.getAttribute('src');

  // Scrolled down, on a route with a hash: an edit to static/index.html shows at once, in place.
  const f = await appFrame(page);
  await f.evaluate(() => {
    location.hash = '#bottom';
    window.scrollTo(0, 1200);
  });
  await expect.poll(() => f.evaluate(() => window.scrollY)).toBe(1200);
  edit(path.join(dir, 'static', 'index.html'), 'static-1', 'static-2');
  await expect(frame.locator('#marker')).toHaveText('static-2', { timeout: 10_000 });
  expect(await f.evaluate(() => location.hash)).toBe('#bottom');
  await expect.poll(() => f.evaluate(() => window.scrollY)).toBe(1200);
  await expect(frameEl).toHaveAttribute('src', src!);

  // backend.py edited outside Kiln: the new backend answers in the same frame, no click.
  edit(path.join(dir, 'backend.py'), 'VALUE = "v1"', 'VALUE = "v2"');
  await expect(frame.locator('#value')).toHaveText('v2', { timeout: 30_000 });
  await expect(frameEl).toHaveAttribute('src', src!);
  expect(await f.evaluate(() => location.hash)).toBe('#bottom');

  // A broken backend.py: the banner with the traceback; the old version still answers.
  edit(path.join(dir, 'backend.py'), 'import argparse', 'import argparse\nraise RuntimeError("kiln-test-broken")');
  const banner = page.getByRole('alert').filter({ hasText: 'The new version failed to start' });
  await expect(banner).toBeVisible({ timeout: 30_000 });
  await expect(banner.getByLabel('Traceback')).toContainText('RuntimeError: kiln-test-broken');
  expect(await f.evaluate(() => fetch('/api/value').then((r) => r.json()))).toEqual({ value: 'v2' });
  await expect(frame.locator('#value')).toHaveText('v2');

  // "Fix with the agent" puts the error into the composer.
  await banner.getByRole('button', { name: 'Fix with the agent' }).click();
  await expect(page.getByRole('textbox', { name: 'Message' })).toHaveValue(/failed to start[\s\S]*RuntimeError: kiln-test-broken/);

  // Fixed on disk: the banner goes, the fix is served.
  edit(path.join(dir, 'backend.py'), 'raise RuntimeError("kiln-test-broken")\n', '');
  edit(path.join(dir, 'backend.py'), 'VALUE = "v2"', 'VALUE = "v3"');
  await expect(frame.locator('#value')).toHaveText('v3', { timeout: 30_000 });
  await expect(banner).toHaveCount(0);
});

test('with Live reload off nothing reloads; a thumbnail appears on the gallery card after the first preview', async ({ page, kiln }) => {
  test.setTimeout(90_000);
  const app = await kiln.start();
  const dir = addLiveApp(app.workspace);
  await page.goto(app.url);
  await page.getByRole('button', { name: 'Gallery' }).click();
  const card = page.getByRole('article', { name: 'Live app' });
  await expect(card.getByRole('img', { name: 'Thumbnail of Live app' })).toHaveCount(0);
  await card.getByRole('button', { name: /Live app/ }).first().click();
  const frame = page.frameLocator('iframe[title^="App preview"]');
  await expect(frame.locator('#value')).toHaveText('v1', { timeout: 60_000 });

  // The capture runs after the page loaded; the card shows the picture (stored outside the artifact).
  await expect(card.getByRole('img', { name: 'Thumbnail of Live app' })).toBeVisible({ timeout: 15_000 });
  const thumbs = path.join(app.workspace, '.kiln', 'thumbnails', '11fe0a99.png');
  expect(readFileSync(thumbs).subarray(1, 4).toString()).toBe('PNG');

  const toggle = page.getByRole('toolbar', { name: 'App preview' }).getByRole('switch', { name: 'Live reload' });
  await expect(toggle).toBeChecked();
  await toggle.click();
  await expect(toggle).not.toBeChecked();
  edit(path.join(dir, 'static', 'index.html'), 'static-1', 'static-2');
  edit(path.join(dir, 'backend.py'), 'VALUE = "v1"', 'VALUE = "v2"');
  await page.waitForTimeout(2_500);
  await expect(frame.locator('#marker')).toHaveText('static-1');
  await expect(frame.locator('#value')).toHaveText('v1');

  // Remembered per artifact: still off after the pane is opened again.
  await page.reload();
  await page.getByRole('button', { name: 'Gallery' }).click();
  await page.getByRole('article', { name: 'Live app' }).getByRole('button', { name: /Live app/ }).first().click();
  await expect(page.getByRole('toolbar', { name: 'App preview' }).getByRole('switch', { name: 'Live reload' })).not.toBeChecked();
});
