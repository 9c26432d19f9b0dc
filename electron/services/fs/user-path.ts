import os from 'node:os';
import path from 'node:path';

/** Expands a leading `~` and makes the path absolute (a path the user typed or set). */
export function resolveUserPath(input: string): string {
  const expanded = input === '~' || input.startsWith('~/') ? path.join(os.homedir(), input.slice(1)) : input;
  return path.resolve(expanded);
}
