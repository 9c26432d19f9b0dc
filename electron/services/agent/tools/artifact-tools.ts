import { z } from 'zod';
import { slugSchema } from '../../../../shared/artifacts/rules';
import { artifactTypes } from '../../../../shared/contract/artifacts';
import type { AgentArtifactRecord, AgentArtifacts, AgentVault } from '../ports';
import { defineTool, fail, ok, type ToolDef } from './types';
import { datasourceSlug } from '../../../../shared/vault/catalog';

const slug = slugSchema.describe('The artifact slug (its folder name), as returned by create_artifact or list_artifacts.');

function summary(r: AgentArtifactRecord): Record<string, unknown> {
  return {
    slug: r.slug,
    name: r.name,
    type: r.type,
    description: r.description,
    primary: r.primary,
    port: r.port,
    datasources: r.datasources.map((d) => datasourceSlug(d.engine, d.name)),
  };
}

export function artifactTools(artifacts: AgentArtifacts, vault: AgentVault): ToolDef[] {
  const envNamesFor = async (r: AgentArtifactRecord): Promise<Record<string, string[]>> => {
    const out: Record<string, string[]> = {};
    for (const d of r.datasources) {
      const dsSlug = datasourceSlug(d.engine, d.name);
      out[dsSlug] = (await vault.exists(dsSlug)) ? await vault.envNames(dsSlug) : [];
    }
    return out;
  };

  return [
    defineTool({
      name: 'create_artifact',
      description:
        'Create a new artifact folder (a report, dashboard or fullstack app). Returns its slug in resource_id; write files into it with write_file.',
      schema: z
        .object({
          name: z.string().min(1).max(200).describe('Human name, e.g. "Sales dashboard".'),
          description: z.string().max(2000).default('').describe('One or two sentences on what it shows or does.'),
          type: z.enum(artifactTypes).describe('html-app for a single-page HTML report/dashboard; fullstack-stateless-app or fullstack-stateful-app for backend.py + static/.'),
          primary: z.string().max(1024).optional().describe('Entry file relative to the folder, e.g. dashboard.html or static/index.html.'),
        })
        .strict(),
      timeoutMs: 30_000,
      run: async (args, ctx) => {
        const record = await artifacts.create({
          name: args.name,
          description: args.description,
          type: args.type,
          ...(args.primary !== undefined ? { primary: args.primary } : {}),
        });
        ctx.showArtifact(record.slug, record.name, record.type);
        return ok(`Created artifact "${record.name}".`, {
          resource_id: record.slug,
          details: { ...summary(record), folder: `.anton/artifacts/${record.slug}` },
        });
      },
    }),
    defineTool({
      name: 'list_artifacts',
      description: 'List the artifacts in the workspace, newest first.',
      schema: z.object({}).strict(),
      timeoutMs: 30_000,
      run: async () => {
        const all = await artifacts.list();
        return ok(all.length === 0 ? 'There are no artifacts yet.' : `${all.length} artifact(s).`, {
          details: all.slice(0, 200).map((a) => ({ slug: a.slug, name: a.name, type: a.type ?? 'unreadable', description: a.description })),
        });
      },
    }),
    defineTool({
      name: 'open_artifact',
      description: 'Read an artifact record: type, primary file, port, declared datasources (with their env-var names) and files.',
      schema: z.object({ slug }).strict(),
      timeoutMs: 30_000,
      run: async (args) => {
        const record = await artifacts.open(args.slug);
        return ok(`Artifact "${record.name}".`, {
          resource_id: record.slug,
          details: {
            ...summary(record),
            files: (record.files ?? []).slice(0, 500).map((f) => `${f.path} (${f.bytes} B)`),
            datasource_env: await envNamesFor(record),
          },
        });
      },
    }),
    defineTool({
      name: 'update_artifact',
      description:
        'Change an artifact: its primary file, and/or the datasources its backend reads (connection slugs like "postgres-7e8971c3"; [] clears). Only connected datasources are accepted.',
      schema: z
        .object({
          slug,
          primary: z.string().max(1024).nullable().optional().describe('Entry file; null clears it.'),
          datasources: z.array(z.string().min(1).max(300)).max(50).optional(),
        })
        .strict(),
      timeoutMs: 30_000,
      run: async (args, ctx) => {
        const patch: Parameters<AgentArtifacts['update']>[1] = {};
        if (args.primary !== undefined) patch.primary = args.primary;
        if (args.datasources !== undefined) {
          const connected = await vault.list();
          const unknown = args.datasources.filter((d) => !connected.some((c) => c.slug === d));
          if (unknown.length > 0) {
            return fail(`Not connected: ${unknown.join(', ')}. Connected datasources: ${connected.map((c) => c.slug).join(', ') || 'none'}. Ask the user to connect it in Settings → Datasources.`);
          }
          patch.datasources = args.datasources.map((d) => {
            const c = connected.find((x) => x.slug === d)!;
            return { engine: c.engine, name: c.name };
          });
        }
        const record = await artifacts.update(args.slug, patch);
        ctx.showArtifact(record.slug, record.name, record.type);
        return ok(`Updated artifact "${record.name}".`, {
          resource_id: record.slug,
          details: { ...summary(record), datasource_env: await envNamesFor(record) },
        });
      },
    }),
    defineTool({
      name: 'propose_publish',
      description:
        'Suggest publishing an artifact to the web. This only shows the user a publish card; the user reviews and decides. Never claims it is published.',
      schema: z.object({ slug, note: z.string().max(500).optional().describe('Why it is ready, in one sentence.') }).strict(),
      timeoutMs: 30_000,
      run: async (args, ctx) => {
        const record = await artifacts.open(args.slug);
        ctx.proposePublish(record.slug, args.note);
        return ok(`A publish card for "${record.name}" is shown to the user. Nothing is published until they click Publish.`, {
          resource_id: record.slug,
        });
      },
    }),
  ];
}
