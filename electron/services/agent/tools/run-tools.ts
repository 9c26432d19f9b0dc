import { z } from 'zod';
import { slugSchema } from '../../../../shared/artifacts/rules';
import { datasourceSlug } from '../../../../shared/vault/catalog';
import type { AgentArtifacts, AgentBackends, AgentBackendStatus, AgentPython, AgentVault } from '../ports';
import type { PythonScratchpads } from '../python-scratchpad';
import { defineTool, fail, ok, type ToolDef, type ToolResult } from './types';
import { grantedDatasources } from '../../grants/split';

const slug = slugSchema.describe('The artifact slug.');
export const DEFAULT_PYTHON_TIMEOUT_S = 120;
export const MAX_PYTHON_TIMEOUT_S = 600;

function statusResult(slugValue: string, status: AgentBackendStatus, verb: string): ToolResult {
  const details: Record<string, unknown> = { state: status.state };
  if (status.error) details.error = status.error;
  if (status.warning) details.warning = status.warning;
  if (status.logTail) details.log_tail = status.logTail;
  if (status.reload) {
    details.reload = status.reload.phase;
    if (status.reload.error) details.reload_error = status.reload.error;
    if (status.reload.logTail) details.log_tail = status.reload.logTail;
  }
  const base = { resource_id: slugValue, details, ...(status.url ? { external_url: status.url } : {}) };
  if (status.state === 'running' && status.reload?.phase === 'failed') {
    return fail(`${status.reload.error ?? 'The new version failed to start.'} The previous version is still running; fix the error (see log_tail) and write the file again.`, base);
  }
  if (status.state === 'running' && status.reload?.phase === 'restarting') return ok('The backend is restarting with the changed code; the previous version serves until the new one is ready.', base);
  if (status.state === 'running') return ok(`The backend ${verb}; it is running and the preview is live.`, base);
  if (status.state === 'stopped') return ok(`The backend is stopped.`, base);
  return fail(status.error ?? `The backend is ${status.state}.`, base);
}

export function runTools(deps: {
  artifacts: AgentArtifacts;
  vault: AgentVault;
  backends: AgentBackends;
  python: AgentPython;
  scratchpads: PythonScratchpads;
}): ToolDef[] {
  const { artifacts, vault, backends, python, scratchpads } = deps;
  return [
    defineTool({
      name: 'run_python',
      description:
        "Run Python in the artifact's own persistent interpreter (its venv, the artifact folder as working directory). Variables and imports persist between calls; the value of a final expression is printed. Only the artifact's declared DS_* variables are in os.environ. reset=true starts a fresh interpreter first.",
      schema: z
        .object({
          slug,
          code: z.string().max(200_000),
          timeout_seconds: z.number().int().min(1).max(MAX_PYTHON_TIMEOUT_S).default(DEFAULT_PYTHON_TIMEOUT_S),
          reset: z.boolean().default(false),
        })
        .strict(),
      // The per-call timeout below is the real limit; this only backs it up.
      timeoutMs: (MAX_PYTHON_TIMEOUT_S + 60) * 1000,
      run: async (args, ctx) => {
        if (args.reset) scratchpads.reset(args.slug);
        const result = await scratchpads.run(args.slug, args.code, {
          timeoutMs: args.timeout_seconds * 1000,
          signal: ctx.signal,
          start: async () => {
            const record = await artifacts.open(args.slug);
            // Only datasources the user allowed for this artifact; declaring one is only a request.
            const { granted } = await grantedDatasources(python.grants, record);
            const dsSlugs = granted.map((d) => datasourceSlug(d.engine, d.name));
            return {
              interpreter: await python.interpreterFor(record.slug),
              cwd: await artifacts.dir(record.slug),
              dsEnv: dsSlugs.length > 0 ? await vault.envFor(dsSlugs) : {},
              declared: granted,
            };
          },
        });
        const note = result.reset ? ' (The previous Python process had ended; state was reset.)' : '';
        const extra = { stdout: result.stdout, stderr: result.stderr };
        return result.ok ? ok(`Ran.${note}`, extra) : fail(`The code raised an error.${note}`, extra);
      },
    }),
    defineTool({
      name: 'launch_backend',
      description:
        "Install requirements.txt into the artifact's venv and start backend.py on a free port (restarts it if running). Returns the preview URL when it answers.",
      schema: z.object({ slug }).strict(),
      timeoutMs: 15 * 60 * 1000,
      run: async (args, ctx) => {
        const status = await backends.launch(args.slug);
        const record = await artifacts.open(args.slug).catch(() => null);
        if (record) ctx.showArtifact(record.slug, record.name, record.type);
        return statusResult(args.slug, status, 'started');
      },
    }),
    defineTool({
      name: 'stop_backend',
      description: "Stop the artifact's backend process.",
      schema: z.object({ slug }).strict(),
      timeoutMs: 60_000,
      run: async (args) => statusResult(args.slug, await backends.stop(args.slug), 'stopped'),
    }),
    defineTool({
      name: 'backend_status',
      description: "Is the artifact's backend running? State, preview URL, last error.",
      schema: z.object({ slug }).strict(),
      timeoutMs: 30_000,
      run: async (args) => statusResult(args.slug, await backends.status(args.slug), 'is up'),
    }),
    defineTool({
      name: 'backend_logs',
      description: "The last lines of the artifact's backend.log (install and server output), secrets masked.",
      schema: z.object({ slug, lines: z.number().int().min(1).max(1000).default(100) }).strict(),
      timeoutMs: 30_000,
      run: async (args) => {
        const lines = await backends.logs(args.slug, args.lines);
        return ok(lines.length === 0 ? 'The log is empty.' : `${lines.length} line(s).`, { log: lines.join('\n') });
      },
    }),
  ];
}
