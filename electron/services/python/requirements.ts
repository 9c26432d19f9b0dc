import { createHash } from 'node:crypto';

/**
 * anton's installer reads `requirements.txt` line by line and ignores comments, blank lines
 * and lines starting with `-` (so `-r`, `-e`, `--index-url` in a generated file never reach
 * pip). Inline comments are cut as pip would.
 */
export function parseRequirements(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (!line || line.startsWith('-')) continue;
    out.push(line);
  }
  return out;
}

/** The hash recorded after a successful install; equal hash → pip is skipped. */
export function requirementsHash(lines: readonly string[], pipArgs: readonly string[]): string {
  return createHash('sha256').update(JSON.stringify({ lines, pipArgs })).digest('hex');
}

/** The lines of pip's output a user needs to see when an install fails. */
export function pipKeyErrors(output: string): string[] {
  const lines = output.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const key = lines.filter((l) => /^(ERROR|error):|No matching distribution|Could not find a version|ResolutionImpossible|conflict/i.test(l));
  return (key.length > 0 ? key : lines.slice(-5)).slice(0, 12);
}
