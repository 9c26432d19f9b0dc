import { execFileSync } from 'node:child_process';
import { cpSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '../fixtures/kiln';

/**
 * The README's gallery picture: cards with thumbnails of each artifact as last previewed
 * (docs/backends.md, "Live preview").
 */
const OUT = path.resolve('docs/screenshots');
const FIXTURES = path.resolve('e2e/fixtures/backends');

test('gallery with thumbnails', async ({ page, kiln }) => {
  test.setTimeout(180_000);
  // Debian has no `mangum`; a stub wheel lets the inventory example install offline.
  const wheels = path.join(kiln.tempDir, 'wheels');
  execFileSync('/usr/bin/python3', [path.join(FIXTURES, 'make-stub-wheel.py'), wheels]);
  const app = await kiln.start({ settings: { python: { pipArgs: ['--no-index', '--no-deps', '--find-links', wheels] } } });
  await page.goto(app.url);
  await page.getByRole('button', { name: 'Gallery' }).click();
  await page.getByRole('button', { name: /Add examples/ }).click();
  await expect(page.getByRole('article')).toHaveCount(2);
  // A third artifact arrives as an outside change (the watcher shows it).
  cpSync(path.join(FIXTURES, 'live-app'), path.join(app.workspace, '.anton', 'artifacts', 'live-app'), { recursive: true });
  await expect(page.getByRole('article')).toHaveCount(3);

  // Preview each one once: the thumbnail is taken after the page has loaded.
  for (const name of [/Live app/, /Inventory app/, /dashboard/i]) {
    const card = page.getByRole('article').filter({ hasText: name }).first();
    await card.getByRole('button').first().click();
    await expect(card.getByRole('img', { name: /^Thumbnail of/ })).toBeVisible({ timeout: 60_000 });
  }
  // The whole gallery, its cards showing the pictures.
  await page.getByRole('button', { name: 'Close preview' }).click();
  await page.keyboard.press('Control+Backslash'); // hide the empty preview pane: more columns
  await page.locator('.gallery-scroll').evaluate((el) => el.scrollTo(0, 0));
  await page.waitForTimeout(1000);
  await page.screenshot({ path: path.join(OUT, 'gallery.png') });
});
