import { z } from 'zod';
import { slugSchema } from '../../../../shared/artifacts/rules';
import { isKilnError } from '../../../../shared/contract/core';
import type { AgentArtifacts, AgentBackends } from '../ports';
import { reloadResult } from './reload-result';
import { defineTool, fail, ok, type ToolDef } from './types';

/** Limits keep one tool call from filling the disk or the model's context. */
export const MAX_WRITE_BYTES = 2 * 1024 * 1024;
export const MAX_READ_CHARS = 100_000;
/** A text file larger than this is not read whole into memory for the model. */
const MAX_READ_BYTES = 20 * 1024 * 1024;
const MAX_LIST = 1000;

const slug = slugSchema.describe('The artifact slug.');
const relPath = z.string().min(1).max(1024).describe('Path inside the artifact folder, e.g. static/index.html.');

/**
 * The agent's file tools. Every read and write goes through the store's files service: paths
 * are confined to the artifact, files Kiln maintains (metadata.json, README.md, backend.log,
 * .published.json, in any letter case) are refused, and each write is announced once.
 */
export function fileTools(artifacts: AgentArtifacts, backends?: Pick<AgentBackends, 'afterWrite'>): ToolDef[] {
  return [
    defineTool({
      name: 'write_file',
      description: `Create or replace a text file inside an artifact folder (parent folders are created). Up to ${MAX_WRITE_BYTES / 1024 / 1024} MB.`,
      schema: z.object({ slug, path: relPath, content: z.string() }).strict(),
      timeoutMs: 30_000,
      run: async (args, ctx) => {
        const bytes = Buffer.byteLength(args.content, 'utf8');
        if (bytes > MAX_WRITE_BYTES) {
          return fail(`The content is ${bytes} bytes; the limit is ${MAX_WRITE_BYTES}. Split it into smaller files.`);
        }
        const written = await artifacts.files.write(args.slug, args.path, args.content);
        ctx.touch(args.slug, written.path);
        const wrote = `Wrote ${written.path} (${written.bytes} bytes).`;
        // A backend file restarts a running backend (live reload): say how that went.
        const reload = (await backends?.afterWrite?.(args.slug, written.path)) ?? null;
        return reload ? reloadResult(wrote, args.slug, reload) : ok(wrote, { resource_id: args.slug });
      },
    }),
    defineTool({
      name: 'read_file',
      description: `Read a text file from an artifact folder. Long files come back in pieces of up to ${MAX_READ_CHARS} characters: pass offset to continue.`,
      schema: z.object({ slug, path: relPath, offset: z.number().int().min(0).default(0) }).strict(),
      timeoutMs: 30_000,
      run: async (args) => {
        let file: { path: string; data: Buffer };
        try {
          file = await artifacts.files.read(args.slug, args.path, MAX_READ_BYTES);
        } catch (error) {
          if (isKilnError(error) && error.code === 'NOT_FOUND') return fail(`${args.path} does not exist. Use list_files to see what is there.`);
          if (isKilnError(error) && error.code === 'UNSUPPORTED' && (await artifacts.files.kind(args.slug, args.path)) === 'dir') {
            return fail(`${args.path} is a folder. Use list_files.`);
          }
          throw error;
        }
        const { path: rel, data: buf } = file;
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
        const sub = args.path && args.path.trim() !== '' && args.path !== '.' ? args.path : undefined;
        if (sub !== undefined && (await artifacts.files.kind(args.slug, sub)) !== 'dir') {
          return fail(`${sub} is not a folder of this artifact. Use list_files without a path to see everything.`);
        }
        const all = await artifacts.files.list(args.slug, sub);
        const out = all.slice(0, MAX_LIST);
        return ok(`${out.length}${all.length > MAX_LIST ? '+' : ''} file(s).`, {
          details: out.map((f) => `${f.path} (${f.bytes} B)`),
        });
      },
    }),
  ];
}
