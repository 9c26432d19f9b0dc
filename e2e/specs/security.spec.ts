import { expect, test } from '../fixtures/kiln';

test('the start-up link works once: the token becomes an HttpOnly cookie, leaves the address bar and storage, and reloads keep working', async ({ page, kiln, context }) => {
  const app = await kiln.start();
  await page.goto(app.url);
  await expect(page.getByRole('navigation', { name: 'Navigation' })).toBeVisible();
  expect(page.url()).not.toContain('token=');
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === `kiln_session_${app.port}`);
  expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
  expect(session?.value).not.toBe(app.token);
  const stored = await page.evaluate(() => JSON.stringify({ ...sessionStorage }) + JSON.stringify({ ...localStorage }) + document.cookie);
  expect(stored).not.toContain(app.token);
  await page.reload();
  await page.getByRole('navigation', { name: 'Navigation' }).getByRole('button', { name: 'Settings' }).click();
  await expect(page.getByRole('navigation', { name: 'Settings sections' })).toBeVisible();

  // A copy of the link (another browser profile) is refused: the token was spent.
  const other = await page.context().browser()!.newContext();
  const stranger = await other.newPage();
  const response = await stranger.goto(app.url);
  expect(response?.status()).toBe(401);
  await expect(stranger.getByText('already used')).toBeVisible();
  await other.close();
});

test('Settings → Python & Backends: "Isolate apps" defaults to prefer and says apps are isolated with bubblewrap', async ({ page, kiln }) => {
  const app = await kiln.start();
  await page.goto(app.url);
  await page.getByRole('navigation', { name: 'Navigation' }).getByRole('button', { name: 'Settings' }).click();
  await page.getByRole('navigation', { name: 'Settings sections' }).getByRole('button', { name: 'Python & Backends' }).click();
  const select = page.getByLabel('Isolate apps');
  await expect(select).toHaveValue('prefer');
  await expect(page.getByTestId('isolation-status')).toHaveText(/Apps are isolated \(bubblewrap\)/);
  await select.selectOption('off');
  await expect(page.getByTestId('isolation-status')).toHaveText(/Apps are not isolated: "Isolate apps" is off \(bubblewrap is available\)/);
  await select.selectOption('prefer');
  await expect(page.getByTestId('isolation-status')).toHaveText(/Apps are isolated/);
});

test('a paste over the contract limit is refused by the composer with a sentence before sending, and the host keeps serving', async ({ page, kiln }) => {
  const app = await kiln.start();
  await page.goto(app.url);
  const box = page.getByRole('textbox', { name: 'Message' });
  await box.evaluate((el, n) => {
    const area = el as HTMLTextAreaElement;
    const setter = Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')!.set!;
    setter.call(area, 'x'.repeat(n));
    area.dispatchEvent(new Event('input', { bubbles: true }));
  }, 200_000);
  await expect(page.getByRole('alert').filter({ hasText: 'Your message is 200,000 characters; the limit is 100,000.' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Send' })).toBeDisabled();
  await box.press('Enter');
  await box.fill('hello');
  await expect(page.getByRole('button', { name: 'Send' })).toBeEnabled();
  expect((await fetch(`http://127.0.0.1:${app.port}/`)).status).toBe(200);
});
