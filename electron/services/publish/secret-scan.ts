import { promises as fs } from 'node:fs';
import type { PreflightProblem } from '../../../shared/contract/publish';

const isWordByte = (b: number | undefined): boolean =>
  b !== undefined && ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x5f);

/** Where `needle` occurs in `hay` on its own (no word byte right before or after), as 1-based lines. */
export function secretLines(hay: Buffer, needle: Buffer, limit = 5): number[] {
  const lines: number[] = [];
  let from = 0;
  while (lines.length < limit) {
    const at = hay.indexOf(needle, from);
    if (at < 0) break;
    from = at + 1;
    if (isWordByte(hay[at - 1]) || isWordByte(hay[at + needle.length])) continue;
    let line = 1;
    for (let i = hay.indexOf(0x0a); i >= 0 && i < at; i = hay.indexOf(0x0a, i + 1)) line++;
    lines.push(line);
  }
  return lines;
}

/**
 * Looks for every registered secret value in every bundled file, whatever its extension
 * (binary files too: a value is bytes either way). Each hit blocks the publish and names the
 * variable, the file and the line, never the value.
 */
export async function scanForSecrets(
  files: { name: string; abs: string }[],
  secrets: { name: string; value: string }[],
): Promise<PreflightProblem[]> {
  const needles = secrets.filter((s) => s.value.length > 0).map((s) => ({ name: s.name, bytes: Buffer.from(s.value, 'utf8') }));
  if (needles.length === 0) return [];
  const problems: PreflightProblem[] = [];
  for (const file of files) {
    const hay = await fs.readFile(file.abs);
    for (const needle of needles) {
      for (const line of secretLines(hay, needle.bytes)) {
        problems.push({
          kind: 'secret-in-bundle',
          file: file.name,
          line,
          message: `The value of ${needle.name} appears in ${file.name} on line ${line}. Remove it from the file (the backend reads secrets from the environment) before publishing.`,
        });
      }
    }
  }
  return problems;
}
