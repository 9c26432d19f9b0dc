import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { KilnError } from '../../../shared/contract/core';
import { resolveUserPath } from '../fs/user-path';

/**
 * Makes sure a folder can be the workspace: absolute (or `~/…`), creatable, writable.
 * Returns the resolved path. Creates the folder; never removes anything that was there.
 */
export async function checkWorkspaceFolder(input: string): Promise<string> {
  const trimmed = input.trim();
  if (trimmed === '' || trimmed.includes('\0')) throw new KilnError('VALIDATION', 'Type the full path of a folder.');
  if (!path.isAbsolute(trimmed) && trimmed !== '~' && !trimmed.startsWith('~/')) {
    throw new KilnError('VALIDATION', `"${trimmed.slice(0, 200)}" is not an absolute path; start it with / (or ~/).`);
  }
  const resolved = resolveUserPath(trimmed);
  try {
    await fs.mkdir(resolved, { recursive: true });
  } catch (error) {
    throw new KilnError('IO', `Kiln can't create the folder ${resolved}. Pick a folder you can write to.`, (error as NodeJS.ErrnoException).code);
  }
  const st = await fs.stat(resolved);
  if (!st.isDirectory()) throw new KilnError('VALIDATION', `${resolved} is a file, not a folder.`);
  const probe = path.join(resolved, `.kiln-write-test-${randomBytes(4).toString('hex')}`);
  try {
    await fs.writeFile(probe, '');
  } catch (error) {
    throw new KilnError('FORBIDDEN', `Kiln can't write into ${resolved}. Pick a folder you can write to.`, (error as NodeJS.ErrnoException).code);
  } finally {
    await fs.rm(probe, { force: true });
  }
  return resolved;
}
