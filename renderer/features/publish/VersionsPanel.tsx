import { useState } from 'react';
import type { PublishVersion } from '../../../shared/contract/publish';
import { api } from '../../api/client';
import { Button } from '../../components/Button';
import { Spinner } from '../../components/Spinner';
import { useAsyncAction } from '../../hooks/useAsyncAction';

/** Version history of a published static report, with rollback. */
export function VersionsPanel({ slug, onChanged }: { slug: string; onChanged(): void }) {
  const [versions, setVersions] = useState<PublishVersion[] | null>(null);
  const { busy, error, run } = useAsyncAction(async (op: () => Promise<PublishVersion[]>) => setVersions(await op()));
  if (versions === null) {
    return (
      <div className="publish-section">
        <Button onClick={() => void run(() => api.call('publish.versions', { slug }))} disabled={busy}>
          Show versions
        </Button>
        {busy && <Spinner label="Loading versions" />}
        {error && <p className="error-text">{error.message}</p>}
      </div>
    );
  }
  return (
    <section className="publish-section" aria-label="Versions">
      <h3>Versions</h3>
      {error && <p className="error-text" role="alert">{error.message}</p>}
      <ul className="publish-versions">
        {versions.map((v) => (
          <li key={v.md5}>
            <span>
              Version {v.version ?? '?'}
              {v.uploadedAt && <span className="muted"> · {new Date(v.uploadedAt).toLocaleString()}</span>}
              {v.active && <strong> · live</strong>}
            </span>
            {!v.active && (
              <Button
                disabled={busy}
                onClick={() =>
                  void run(async () => {
                    const next = await api.call('publish.rollback', { slug, md5: v.md5 });
                    onChanged();
                    return next;
                  })
                }
              >
                Roll back to this
              </Button>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
