import { readFileSync } from 'node:fs';
import { expect, test } from '../fixtures/kiln';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };

test('the shell loads, About shows the package version, and the token leaves the address bar', async ({ page, kiln }) => {
  const app = await kiln.start();
  await page.goto(app.url);
  const nav = page.getByRole('navigation', { name: 'Navigation' });
  await expect(nav).toBeVisible();
  for (const name of ['Chat', 'Gallery', 'Settings', 'About & Help']) {
    await expect(nav.getByRole('button', { name, exact: true })).toBeVisible();
  }
  expect(page.url()).not.toContain('token=');
  await page.getByRole('button', { name: 'About & Help' }).click();
  await expect(page.getByTestId('about-version')).toHaveText(pkg.version);
  await expect(page.getByText(app.workspace)).toBeVisible();
});

test('the shell is keyboard navigable with a visible focus ring', async ({ page, kiln }) => {
  const app = await kiln.start();
  await page.goto(app.url);
  await expect(page.getByRole('navigation', { name: 'Navigation' })).toBeVisible();
  await page.keyboard.press('Tab');
  const focused = page.locator(':focus-visible');
  await expect(focused).toHaveCount(1);
  const outline = await focused.evaluate((el) => getComputedStyle(el).outlineStyle);
  expect(outline).not.toBe('none');
  await page.getByRole('button', { name: 'Settings' }).focus();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
});

test('a settings change survives a restart of the web host', async ({ page, kiln }) => {
  const app = await kiln.start();
  await page.goto(app.url);
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('button', { name: 'Appearance' }).click();
  await page.getByLabel('Theme').selectOption('dark');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  const next = await app.restart();
  await page.goto(next.url);
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('button', { name: 'Appearance' }).click();
  await expect(page.getByLabel('Theme')).toHaveValue('dark');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
});

test('a WebSocket without the token, or with a wrong one, is refused', async ({ page, kiln }) => {
  const app = await kiln.start();
  await page.goto(app.url);
  const outcome = await page.evaluate(async (port) => {
    const attempt = (url: string) =>
      new Promise<string>((resolve) => {
        const ws = new WebSocket(url);
        ws.onopen = () => {
          ws.close();
          resolve('open');
        };
        ws.onerror = () => resolve('refused');
      });
    return {
      none: await attempt(`ws://127.0.0.1:${port}/ws`),
      wrong: await attempt(`ws://127.0.0.1:${port}/ws?token=wrong`),
    };
  }, app.port);
  expect(outcome).toEqual({ none: 'refused', wrong: 'refused' });
});

test('a malformed call comes back as a validation error the UI shows, and the app keeps working', async ({ page, kiln }) => {
  const app = await kiln.start();
  // Corrupt the UI's settings.update call in flight, as a buggy or hostile client would.
  await page.routeWebSocket(/\/ws\?token=/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((message) => {
      const text = String(message);
      if (text.includes('"settings.update"')) {
        const call = JSON.parse(text) as { input: unknown };
        call.input = { appearance: { theme: 'ultraviolet' } };
        server.send(JSON.stringify(call));
      } else {
        server.send(message);
      }
    });
  });
  await page.goto(app.url);
  await page.getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('button', { name: 'Appearance' }).click();
  await page.getByLabel('Theme').selectOption('dark');
  await expect(page.getByRole('alert')).toContainText('Invalid input for settings.update: appearance.theme');
  await page.getByRole('button', { name: 'About & Help' }).click();
  await expect(page.getByTestId('about-version')).toHaveText(pkg.version);
});

test('keyboard shortcuts: search the gallery, focus the composer, new chat, toggle preview, settings', async ({ page, kiln }) => {
  const app = await kiln.start();
  await page.goto(app.url);
  await expect(page.getByRole('navigation', { name: 'Navigation' })).toBeVisible();
  await page.keyboard.press('Control+k');
  await expect(page.getByRole('searchbox', { name: 'Search artifacts' })).toBeFocused();
  await page.keyboard.press('Control+l');
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeFocused();
  await expect(page.getByRole('complementary', { name: 'Preview' })).toBeVisible();
  await page.keyboard.press('Control+\\');
  await expect(page.getByRole('complementary', { name: 'Preview' })).toBeHidden();
  await page.keyboard.press('Control+\\');
  await expect(page.getByRole('complementary', { name: 'Preview' })).toBeVisible();
  await page.keyboard.press('Control+,');
  await expect(page.getByRole('heading', { name: 'Settings', level: 1 })).toBeVisible();
  await page.keyboard.press('Control+Shift+O');
  await expect(page.getByRole('textbox', { name: 'Message' })).toBeFocused();
  // The same list is in Help.
  await page.getByRole('navigation', { name: 'Navigation' }).getByRole('button', { name: 'About & Help' }).click();
  await expect(page.getByRole('cell', { name: 'Search the gallery' })).toBeVisible();
});

test('the bundle size limit is a setting: out-of-range values are refused, a valid one survives a reload', async ({ page, kiln }) => {
  const app = await kiln.start();
  await page.goto(app.url);
  await page.getByRole('navigation', { name: 'Navigation' }).getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('navigation', { name: 'Settings sections' }).getByRole('button', { name: 'Publishing' }).click();
  const limit = page.getByLabel('Bundle size limit (MB)');
  await expect(limit).toHaveValue('50');
  await limit.fill('0');
  await limit.blur();
  await expect(page.getByRole('alert')).toContainText('publish.maxBundleMB');
  await limit.fill('10');
  await limit.blur();
  await page.reload();
  await page.getByRole('navigation', { name: 'Navigation' }).getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('navigation', { name: 'Settings sections' }).getByRole('button', { name: 'Publishing' }).click();
  await expect(page.getByLabel('Bundle size limit (MB)')).toHaveValue('10');
});
