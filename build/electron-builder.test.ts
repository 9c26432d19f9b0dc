import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';

// electron-builder's own loader and schema check; packaging itself needs downloads we can't do here.
const require = createRequire(import.meta.url);
const { getConfig, validateConfiguration } = require('app-builder-lib/out/util/config/config') as {
  getConfig(dir: string, file: string | null, extra: null): Promise<Record<string, unknown>>;
  validateConfiguration(config: Record<string, unknown>, logger: unknown): Promise<void>;
};
const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };

describe('electron-builder config', () => {
  it('passes electron-builder schema validation', async () => {
    const config = await getConfig(process.cwd(), 'build/electron-builder.yml', null);
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('builds the targets we ship, with the hardening fuses on', async () => {
    const config = (await getConfig(process.cwd(), 'build/electron-builder.yml', null)) as {
      appId: string;
      linux: { target: string[] };
      mac: { target: string[] };
      win: { target: string[] };
      electronFuses: Record<string, boolean>;
    };
    expect(config.appId).toBe('ai.kiln.desktop');
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.win.target).toEqual(['nsis']);
    expect(config.electronFuses).toMatchObject({ runAsNode: false, enableEmbeddedAsarIntegrityValidation: true, onlyLoadAppFromAsar: true });
  });
});
