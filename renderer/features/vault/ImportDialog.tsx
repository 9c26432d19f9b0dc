import { useEffect, useState } from 'react';
import type { ImportPreview, ImportResult } from '../../../shared/contract/vault';
import { api, errorMessage } from '../../api/client';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { Spinner } from '../../components/Spinner';
import { useAsyncAction } from '../../hooks/useAsyncAction';

/**
 * Import from anton: main reads anton's vault and lists what it found (names only, never values);
 * the user picks and confirms; main re-reads the files and moves secrets into the keychain.
 */
export function ImportDialog({ onClose, onImported }: { onClose(): void; onImported(result: ImportResult): void }) {
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [loadError, setLoadError] = useState<string | null>(null);

  useEffect(() => {
    api
      .call('vault.importPreview')
      .then((p) => {
        setPreview(p);
        setChosen(new Set(p.items.filter((i) => i.status === 'new').map((i) => i.slug)));
      })
      .catch((e: unknown) => setLoadError(errorMessage(e)));
  }, []);

  const { busy, error: confirmError, run: confirm } = useAsyncAction(async () => onImported(await api.call('vault.importConfirm', { slugs: [...chosen] })));
  const error = confirmError?.message ?? loadError;

  return (
    <Dialog
      open
      wide
      title="Import datasources from anton"
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="primary" disabled={busy || chosen.size === 0} onClick={() => void confirm()}>
            Import {chosen.size > 0 ? chosen.size : ''}
          </Button>
        </>
      }
    >
      {!preview && !error && <Spinner label="Reading the anton vault" />}
      {preview && !preview.found && (
        <p>
          No anton vault was found at <code>{preview.dir}</code>.
        </p>
      )}
      {preview?.found && preview.items.length === 0 && (
        <p>
          The anton vault at <code>{preview.dir}</code> is empty.
        </p>
      )}
      {preview && preview.items.length > 0 && (
        <>
          <p className="muted">
            From <code>{preview.dir}</code>. Secret fields go to the OS keychain; anton’s files are not changed.
          </p>
          <ul className="import-list">
            {preview.items.map((item) => {
              const id = `import-${item.slug}`;
              return (
                <li key={item.file} className="import-item">
                  <input
                    id={id}
                    type="checkbox"
                    disabled={item.status !== 'new'}
                    checked={chosen.has(item.slug)}
                    onChange={(e) => {
                      const next = new Set(chosen);
                      if (e.target.checked) next.add(item.slug);
                      else next.delete(item.slug);
                      setChosen(next);
                    }}
                  />
                  <label htmlFor={id}>
                    <strong>{item.label}</strong> <code>{item.slug}</code>
                    <div className="muted">
                      {item.fields.length > 0 ? `Fields: ${item.fields.join(', ')}` : 'No plain fields'}
                      {item.secretFields.length > 0 ? ` · Secrets: ${item.secretFields.join(', ')}` : ''}
                    </div>
                    {item.status === 'exists' && <div className="muted">Already in Kiln</div>}
                    {item.problem && <div className="import-item-problem">Can’t import: {item.problem}</div>}
                  </label>
                </li>
              );
            })}
          </ul>
        </>
      )}
      {error && (
        <p className="error-text" role="alert">
          {error}
        </p>
      )}
    </Dialog>
  );
}
