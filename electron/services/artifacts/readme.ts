import type { ArtifactRecord } from '../../../shared/contract/artifacts';
import { datasourceSlug, envPrefix } from '../../../shared/vault/catalog';

/** README.md rendered from the record, exactly as anton-format §2.4 lays it out. */
export function renderReadme(r: ArtifactRecord): string {
  const n = r.files.length;
  const lines: string[] = [
    `# ${r.name}`,
    `*${r.type} · ${n} ${n === 1 ? 'file' : 'files'} · last updated ${r.updatedAt}*`,
    '',
  ];
  if (r.description.trim() !== '') lines.push(r.description.trim(), '');
  if (n > 0) {
    lines.push('## Files');
    for (const f of r.files) lines.push(`- \`${f.path}\` (${Math.max(1, Math.round(f.bytes / 1024))} KB)`);
    lines.push('');
  }
  if (r.datasources.length > 0) {
    lines.push('## Data sources');
    for (const d of r.datasources) {
      lines.push(`- \`${datasourceSlug(d.engine, d.name)}\` (${d.engine}) — env prefix \`${envPrefix(d.engine, d.name)}\``);
    }
    lines.push('');
  }
  const conversations = r.provenance.filter((p) => p.turns.length > 0);
  if (conversations.length > 0) {
    lines.push('## Provenance');
    for (const p of conversations) {
      lines.push(`**Conversation: ${p.title && p.title.trim() !== '' ? p.title : p.conversation}**`);
      for (const t of p.turns) lines.push(`- Turn ${t.index} — ${t.summary}`);
      lines.push('');
    }
  }
  const text = lines.map((l) => l.replace(/\s+$/, '')).join('\n');
  return `${text.replace(/\n+$/, '')}\n`;
}
