import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { normalizeRelPath } from '../../artifacts/confine';
import { isPublishStateFile } from '../../artifacts/files';
import { writeFileAtomic } from '../../fs/atomic-write';
import type { AgentArtifacts } from '../ports';
import { defineTool, fail, ok, type ToolDef } from './types';

/** Limits keep one tool call from filling the disk or the model's context. */
export const MAX_WRITE_BYTES = 2 * 1024 * 1024;
export const MAX_READ_CHARS = 100_000;
const MAX_LIST = 1000;
/** Written by Kiln itself; the agent must not overwrite them (anton-format §1). */
const RESERVED = new Set(['metadata.json', 'README.md', '.published.json', 'backend.log']);

const slug = z.string().min(1).max(255).describe('The artifact slug.');
const relPath = z.string().min(1).max(1024).describe('Path inside the artifact folder, e.g. static/index.html.');

/** The store's own rule: `/` separators, no absolute paths, no `..` (refused with a sentence). */
const normalized = (rel: string): string => normalizeRelPath(rel);

async function walk(root: string, rel: string, out: { path: string; bytes: number }[]): Promise<void> {
  const entries = await fs.readdir(path.join(root, rel), { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const entry of entries) {
    if (out.length >= MAX_LIST) return;
    const child = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isSymbolicLink()) continue;
    if (entry.isDirectory()) {
      // Virtual environments and caches are noise to the model.
      if (entry.name === '__pycache__' || entry.name === 'node_modules' || entry.name === '.venv') continue;
      await walk(root, child, out);
    } else if (entry.isFile()) {
      const stat = await fs.stat(path.join(root, child));
      out.push({ path: child, bytes: stat.size });
    }
  }
}

export function fileTools(artifacts: AgentArtifacts): ToolDef[] {
  return [
    defineTool({
      name: 'write_file',
      description: `Create or replace a text file inside an artifact folder (parent folders are created). Up to ${MAX_WRITE_BYTES / 1024 / 1024} MB.`,
      schema: z.object({ slug, path: relPath, content: z.string() }).strict(),
      timeoutMs: 30_000,
      run: async (args, ctx) => {
        const rel = normalized(args.path);
        if (!rel.includes('/') && RESERVED.has(rel)) {
          return fail(`${rel} is maintained by Kiln; change the artifact with update_artifact instead.`);
        }
        const bytes = Buffer.byteLength(args.content, 'utf8');
        if (bytes > MAX_WRITE_BYTES) {
          return fail(`The content is ${bytes} bytes; the limit is ${MAX_WRITE_BYTES}. Split it into smaller files.`);
        }
        const target = await artifacts.resolveFile(args.slug, rel);
        await fs.mkdir(path.dirname(target), { recursive: true });
        await writeFileAtomic(target, args.content);
        ctx.touch(args.slug, rel);
        return ok(`Wrote ${rel} (${bytes} bytes).`, { resource_id: args.slug });
      },
    }),
    defineTool({
      name: 'read_file',
      description: `Read a text file from an artifact folder. Long files come back in pieces of up to ${MAX_READ_CHARS} characters: pass offset to continue.`,
      schema: z.object({ slug, path: relPath, offset: z.number().int().min(0).default(0) }).strict(),
      timeoutMs: 30_000,
      run: async (args) => {
        const rel = normalized(args.path);
        // anton keeps a publish password in clear in this file; it never goes to the model.
        if (isPublishStateFile(rel)) return fail('.published.json holds publish state (and, from anton, a password); it is not readable by the agent.');
        const target = await artifacts.resolveFile(args.slug, rel);
        let buf: Buffer;
        try {
          buf = await fs.readFile(target);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') return fail(`${rel} does not exist. Use list_files to see what is there.`);
          if ((error as NodeJS.ErrnoException).code === 'EISDIR') return fail(`${rel} is a folder. Use list_files.`);
          throw error;
        }
        if (buf.subarray(0, 8000).includes(0)) return fail(`${rel} is a binary file (${buf.length} bytes); it can't be shown as text.`);
        const text = buf.toString('utf8');
        const piece = text.slice(args.offset, args.offset + MAX_READ_CHARS);
        const end = args.offset + piece.length;
        return ok(
          end < text.length
            ? `${rel}: characters ${args.offset}–${end} of ${text.length}; call again with offset ${end} for more.`
            : `${rel} (${text.length} characters).`,
          { content: piece },
        );
      },
    }),
    defineTool({
      name: 'list_files',
      description: 'List the files of an artifact folder (recursively, or under one sub-folder).',
      schema: z.object({ slug, path: z.string().max(1024).optional().describe('Sub-folder to list; default the whole artifact.') }).strict(),
      timeoutMs: 30_000,
      run: async (args) => {
        const root = await artifacts.dir(args.slug);
        const sub = args.path ? normalized(args.path) : '';
        if (sub) await artifacts.resolveFile(args.slug, sub);
        const out: { path: string; bytes: number }[] = [];
        try {
          await walk(root, sub, out);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOENT') return fail(`${sub || 'The artifact folder'} does not exist.`);
          throw error;
        }
        return ok(`${out.length}${out.length >= MAX_LIST ? '+' : ''} file(s).`, {
          details: out.map((f) => `${f.path} (${f.bytes} B)`),
        });
      },
    }),
  ];
}
