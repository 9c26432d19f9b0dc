import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { KilnError } from '../../../shared/contract/core';

/**
 * Prompts are markdown files in `prompts/`, read at runtime so they can be edited without a
 * rebuild (cached, and read again only when a file's mtime or size changes). `{{name}}` is replaced by a value, `{{> file}}` by another prompt file.
 * Datasources are described by env-var *names* only: no value can reach the prompt.
 */
export interface PromptState {
  user?: string;
  date: string;
  datasources: { slug: string; label?: string; envNames: string[] }[];
  artifacts: { slug: string; name: string; type: string }[];
  /** The connected MCP servers and their tool names (`describeMcpServers`). */
  mcp?: string;
}

/** Where prompts live: next to the source in development, under resources when built. */
export function findPromptsDir(resourcesDir: string): string {
  const candidates = [
    path.join(resourcesDir, 'prompts'),
    path.resolve(resourcesDir, '..', 'prompts'),
    path.resolve('prompts'),
  ];
  return candidates.find((c) => existsSync(path.join(c, 'system.md'))) ?? candidates[candidates.length - 1]!;
}

/** Prompt files by path, with the mtime they were read at: a turn re-reads only an edited file. */
const promptCache = new Map<string, { mtimeMs: number; size: number; text: string }>();

async function readPrompt(dir: string, name: string): Promise<string> {
  if (!/^[a-z0-9-]+$/.test(name)) throw new KilnError('INTERNAL', `Bad prompt name "${name}".`);
  const file = path.join(dir, `${name}.md`);
  try {
    const st = await fs.stat(file);
    const hit = promptCache.get(file);
    if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.text;
    const text = await fs.readFile(file, 'utf8');
    promptCache.set(file, { mtimeMs: st.mtimeMs, size: st.size, text });
    return text;
  } catch (error) {
    throw new KilnError('IO', `The agent's prompt file ${name}.md is missing from ${dir}. Reinstall Kiln.`, (error as Error).message);
  }
}

function describeDatasources(list: PromptState['datasources']): string {
  if (list.length === 0) return 'No datasources are connected. If the user needs one, ask them to add it in Settings → Datasources.';
  const lines = list.map(
    (d) => `- \`${d.slug}\`${d.label ? ` (${d.label})` : ''}: ${d.envNames.map((n) => `\`${n}\``).join(', ') || 'no variables'}`,
  );
  return [
    'Connected datasources and the environment variables a backend or `run_python` gets once the',
    'artifact declares the datasource with `update_artifact` (names only):',
    ...lines,
  ].join('\n');
}

function describeArtifacts(list: PromptState['artifacts']): string {
  if (list.length === 0) return 'None yet.';
  const shown = list.slice(0, 30).map((a) => `- \`${a.slug}\` — ${a.name} (${a.type})`);
  if (list.length > 30) shown.push(`- … and ${list.length - 30} more (use list_artifacts).`);
  return shown.join('\n');
}

export async function renderPrompt(dir: string, name: string, state: PromptState): Promise<string> {
  let text = await readPrompt(dir, name);
  // Partials first (one level deep is all the prompts need).
  const partials = [...text.matchAll(/\{\{>\s*([a-z0-9-]+)\s*\}\}/g)];
  for (const match of partials) text = text.replace(match[0], (await readPrompt(dir, match[1]!)).trim());
  const values: Record<string, string> = {
    user: state.user ?? 'the user',
    date: state.date,
    datasources: describeDatasources(state.datasources),
    artifacts: describeArtifacts(state.artifacts),
    mcp: state.mcp ?? 'No MCP servers are connected.',
  };
  return text.replace(/\{\{\s*([a-z]+)\s*\}\}/g, (whole, key: string) => values[key] ?? whole);
}
