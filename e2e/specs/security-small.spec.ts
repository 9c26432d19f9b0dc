import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from '../fixtures/kiln';

/**
 * A recorder standing in for the OS opener (`xdg-open`) on the web host's PATH: every URL Kiln
 * sends to "the OS browser" is a line in the log, so the test sees exactly what went out.
 */
function recorderOpener(dir: string): { env: Record<string, string>; opened: () => string[] } {
  const bin = path.join(dir, 'bin');
  const log = path.join(dir, 'opened.log');
  mkdirSync(bin, { recursive: true });
  writeFileSync(path.join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s\\n' "$1" >> '${log}'\n`);
  chmodSync(path.join(bin, 'xdg-open'), 0o755);
  return {
    env: { PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}` },
    opened: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []),
  };
}

const POPUP_PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>Pop-ups</title></head><body>
<h1>Pop-ups</h1>
<button id="open">Open docs</button>
<a id="link" href="https://example.com/linked" target="_blank">Docs link</a>
<a id="plain" href="https://example.com/middle">Plain link</a>
<a id="external" href="https://example.com/external">Another site</a>
<a id="next" href="page2.html">Next page</a>
<button id="burst">Burst</button>
<script>
  window.open('https://example.com/on-load');
  // A hostile page keeps trying from a timer: five tries once the client script's forwarder is
  // in (before that the sandbox alone blocks them), then it says so on the body.
  var tries = 0;
  var timer = setInterval(function () {
    window.open('https://example.com/timer');
    if (window.__kilnOpen && ++tries >= 5) { clearInterval(timer); document.body.dataset.triesDone = '1'; }
  }, 200);
  document.getElementById('open').addEventListener('click', function () { window.open('https://example.com/clicked'); });
  document.getElementById('burst').addEventListener('click', function () { window.open('https://example.com/burst'); });
  document.title = 'ready';
</script>
</body></html>`;

/**
 * Reached by a click on a link: once it has loaded, it tries to open a window while that click's
 * activation still lasts (about 5 s). It also has its own burst button for the limiter check.
 */
const NEXT_PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>Next</title></head><body>
<h1>Next page</h1>
<button id="burst">Burst</button>
<script>
  document.getElementById('burst').addEventListener('click', function () { window.open('https://example.com/burst'); });
  window.addEventListener('load', function () {
    var tries = 0;
    var timer = setInterval(function () {
      window.open('https://example.com/next-after-load');
      if (++tries >= 5) { clearInterval(timer); document.body.dataset.triesDone = '1'; }
    }, 200);
  });
</script>
</body></html>`;

test('a previewed page opens nothing by itself; a click (or a middle click on a link) opens it in the OS browser, and a burst of 20 clicks opens at most the limit', async ({ page, kiln, context }) => {
  test.setTimeout(90_000);
  const rec = recorderOpener(kiln.tempDir);
  const dir = path.join(kiln.tempDir, 'workspace', '.anton', 'artifacts', 'popups');
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'index.html'), POPUP_PAGE);
  writeFileSync(path.join(dir, 'page2.html'), NEXT_PAGE);
  const stamp = '2026-01-01T00:00:00+00:00';
  writeFileSync(
    path.join(dir, 'metadata.json'),
    JSON.stringify({ schemaVersion: 1, id: 'a0b1c2d3', slug: 'popups', createdAt: stamp, updatedAt: stamp, name: 'Pop-ups', description: '', type: 'html-app', primary: 'index.html' }),
  );
  const app = await kiln.start({ env: rec.env });
  await page.goto(app.url);
  await page.getByRole('navigation', { name: 'Navigation' }).getByRole('button', { name: 'Gallery' }).click();
  await page.getByRole('article', { name: 'Pop-ups' }).getByRole('button', { name: 'Pop-ups', exact: true }).click();

  const frameEl = page.locator('iframe.preview-frame');
  await expect(frameEl).not.toHaveAttribute('sandbox', /allow-popups/);
  const frame = page.frameLocator('iframe.preview-frame');
  await expect(frame.getByRole('heading', { name: 'Pop-ups' })).toBeVisible({ timeout: 20_000 });

  // On load and from a timer (through the forwarder, without a click): nothing opens — no tab in
  // the browser, nothing sent to the OS.
  await expect(frame.locator('body[data-tries-done="1"]')).toHaveCount(1, { timeout: 20_000 });
  await page.waitForTimeout(500);
  expect(rec.opened()).toEqual([]);
  expect(context.pages()).toHaveLength(1);

  // The first gesture is a middle click on a plain link: it alone must count as the user's
  // click (no earlier click's activation to lean on). It opens in the OS browser; the frame stays.
  await frame.locator('#plain').click({ button: 'middle' });
  await expect.poll(rec.opened).toEqual(['https://example.com/middle']);
  await expect(frame.getByRole('heading', { name: 'Pop-ups' })).toBeVisible();
  // A click on a button that calls window.open, a second later (the limiter's pace).
  await page.waitForTimeout(1100);
  await frame.locator('#open').click();
  await expect.poll(rec.opened).toEqual(['https://example.com/middle', 'https://example.com/clicked']);
  // A target=_blank link, a second later.
  await page.waitForTimeout(1100);
  await frame.locator('#link').click();
  await expect.poll(rec.opened).toEqual(['https://example.com/middle', 'https://example.com/clicked', 'https://example.com/linked']);
  // A plain link to another site can't show in the frame: a click sends it to the OS browser,
  // and the page stays.
  await page.waitForTimeout(1100);
  await frame.locator('#external').click();
  await expect.poll(rec.opened).toHaveLength(4);
  expect(rec.opened()[3]).toBe('https://example.com/external');
  await expect(frame.getByRole('heading', { name: 'Pop-ups' })).toBeVisible();
  // A same-site link navigates in the frame. Once the new page has loaded, its tries during
  // that click's activation (about 5 s) open nothing: the click was for the page before.
  await page.waitForTimeout(1100);
  await frame.locator('#next').click();
  await expect(frame.getByRole('heading', { name: 'Next page' })).toBeVisible();
  await expect(frame.locator('body[data-tries-done="1"]')).toHaveCount(1, { timeout: 10_000 });
  await page.waitForTimeout(300);
  expect(rec.opened()).toHaveLength(4);

  // 20 fast clicks (on the new page's button): the limiter lets at most its per-minute budget
  // through (5, four used above).
  for (let i = 0; i < 20; i++) await frame.locator('#burst').click({ delay: 0 });
  await page.waitForTimeout(1500);
  const burst = rec.opened().filter((u) => u.endsWith('/burst'));
  expect(burst.length).toBeGreaterThanOrEqual(1);
  expect(rec.opened().length).toBeLessThanOrEqual(5);
  expect(context.pages()).toHaveLength(1);
  expect(rec.opened()).not.toContain('https://example.com/on-load');
  expect(rec.opened()).not.toContain('https://example.com/timer');
  expect(rec.opened()).not.toContain('https://example.com/next-after-load');
});

test('a path pasted over the contract limit into Settings → Python interpreter is refused with a sentence and never saved', async ({ page, kiln }) => {
  const app = await kiln.start();
  await page.goto(app.url);
  await page.getByRole('navigation', { name: 'Navigation' }).getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('navigation', { name: 'Settings sections' }).getByRole('button', { name: 'Python & Backends' }).click();
  const field = page.getByRole('textbox', { name: 'Python interpreter' });
  await expect(field).toHaveValue('/usr/bin/python3');
  // A paste: the whole text lands at once (insertText is what the browser does for a paste).
  await field.selectText();
  await page.keyboard.insertText(`/opt/${'p'.repeat(6000)}/python3`);
  await expect(page.getByRole('alert').filter({ hasText: 'The interpreter path is 6,013 characters; the limit is 4,096. Shorten it.' })).toBeVisible();
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await field.blur(); // where the section saves
  await page.waitForTimeout(500);
  // Nothing reached the host: a reload shows the old value, and no validation error was raised.
  await page.reload();
  await page.getByRole('navigation', { name: 'Navigation' }).getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('navigation', { name: 'Settings sections' }).getByRole('button', { name: 'Python & Backends' }).click();
  await expect(page.getByRole('textbox', { name: 'Python interpreter' })).toHaveValue('/usr/bin/python3');
  const settings = JSON.parse(readFileSync(path.join(app.userData, 'settings.json'), 'utf8')) as { python: { interpreter: string } };
  expect(settings.python.interpreter).toBe('/usr/bin/python3');
});
