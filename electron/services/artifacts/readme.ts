import type { ArtifactRecord } from '../../../shared/contract/artifacts';
import { datasourceSlug, envPrefix } from '../../../shared/vault/catalog';

/**
 * README.md rendered from the record line for line as anton renders it (anton-format §2.4), so
 * the two tools never rewrite each other's README: sizes rounded the way Python's `round` does,
 * the description as stored, every conversation listed (even one without turns), an empty
 * title falling back to the conversation id, and only the end of the text trimmed.
 */
export function renderReadme(r: ArtifactRecord): string {
  const n = r.files.length;
  const lines: string[] = [
    `# ${r.name}`,
    `*${r.type} · ${n} ${n === 1 ? 'file' : 'files'} · last updated ${r.updatedAt}*`,
    '',
  ];
  if (r.description !== '') lines.push(r.description, '');
  if (n > 0) {
    lines.push('## Files');
    for (const f of r.files) lines.push(`- \`${f.path}\` (${Math.max(1, pythonRound(f.bytes / 1024))} KB)`);
    lines.push('');
  }
  if (r.datasources.length > 0) {
    lines.push('## Data sources');
    for (const d of r.datasources) {
      lines.push(`- \`${datasourceSlug(d.engine, d.name)}\` (${d.engine}) — env prefix \`${envPrefix(d.engine, d.name)}\``);
    }
    lines.push('');
  }
  if (r.provenance.length > 0) {
    lines.push('## Provenance');
    for (const p of r.provenance) {
      lines.push(`**Conversation: ${p.title ? p.title : p.conversation}**`);
      for (const t of p.turns) lines.push(`- Turn ${t.index} — ${t.summary}`);
      lines.push('');
    }
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

/** Python's `round(x)`: to the nearest integer, halves to the even one (2.5 → 2, 3.5 → 4). */
export function pythonRound(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}
