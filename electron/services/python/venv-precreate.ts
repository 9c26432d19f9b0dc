import type { ArtifactsChanged } from '../artifacts/store';
import type { Disposable } from '../../../shared/lib/emitter';

/**
 * Pre-creates an artifact's venv the moment its `requirements.txt` is written (by the agent,
 * the user's editor or anton), while the rest of the app is still being written, so the
 * launch that follows finds it ready. Only the venv: installing stays the launch's job (it
 * shows progress there and may be sandboxed). Failures are left for the launch to report.
 */
export interface VenvPrecreateDeps {
  onChanged: (listener: (event: ArtifactsChanged) => void) => Disposable;
  isFullstack: (slug: string) => Promise<boolean>;
  ensureVenv: (slug: string) => Promise<unknown>;
}

export function precreateVenvs(deps: VenvPrecreateDeps): Disposable {
  const pending = new Set<string>();
  return deps.onChanged((event) => {
    for (const change of event.changes) {
      if (change.kind !== 'files' && change.kind !== 'created') continue;
      if (!change.paths?.some((p) => p.toLowerCase() === 'requirements.txt')) continue;
      if (pending.has(change.slug)) continue;
      pending.add(change.slug);
      void (async () => {
        try {
          if (await deps.isFullstack(change.slug)) await deps.ensureVenv(change.slug);
        } catch {
          // The launch creates it again and says what went wrong.
        } finally {
          pending.delete(change.slug);
        }
      })();
    }
  });
}
