import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

// The architecture's import boundaries, checked through the project's real ESLint config.
const eslint = new ESLint();

async function restricted(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

describe('import boundaries', () => {
  it('a service may not import electron', async () => {
    expect(await restricted('electron/services/artifacts/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).toHaveLength(1);
  });
  it('the platform layer and the entry files may', async () => {
    expect(await restricted('electron/platform/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).toEqual([]);
    expect(await restricted('electron/main.ts', "import { app } from 'electron';\nexport const a = app;\n")).toEqual([]);
  });
  it('shared/ may import neither electron nor Node built-ins', async () => {
    expect(await restricted('shared/x.ts', "import fs from 'node:fs';\nexport const a = fs;\n")).toHaveLength(1);
    expect(await restricted('shared/x.ts', "import path from 'path';\nexport const a = path;\n")).toHaveLength(1);
    expect(await restricted('shared/x.ts', "import { app } from 'electron';\nexport const a = app;\n")).toHaveLength(1);
  });
  it('the renderer may import neither Node, electron nor main-process code', async () => {
    expect(await restricted('renderer/x.ts', "import fs from 'node:fs';\nexport const a = fs;\n")).toHaveLength(1);
    expect(await restricted('renderer/x.ts', "import { ipcRenderer } from 'electron';\nexport const a = ipcRenderer;\n")).toHaveLength(1);
    expect(await restricted('renderer/x.ts', "import { createServices } from '../electron/core/services';\nexport const a = createServices;\n")).not.toEqual([]);
    expect(await restricted('renderer/x.ts', "import { z } from 'zod';\nexport const a = z;\n")).toEqual([]);
  });
});
