import { defineConfig } from '@playwright/test';
import base from './playwright.config';

// `npm run screenshots`: renders the README pictures into docs/screenshots/ (not part of `npm test`).
export default defineConfig({
  ...base,
  testDir: 'e2e/screens',
  testMatch: '*.screens.ts',
  outputDir: 'test-results/screens',
  reporter: [['list']],
  workers: 1,
  use: { ...base.use, viewport: { width: 1280, height: 800 }, colorScheme: 'light' },
});
