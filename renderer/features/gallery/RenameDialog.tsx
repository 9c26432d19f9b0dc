import { useEffect, useState } from 'react';
import type { ArtifactListItem } from '../../../shared/contract/artifacts';
import { api, errorMessage } from '../../api/client';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { Field, TextInput } from '../../components/Field';

/** Changes the human name only; the folder (slug) stays, so links and paths keep working. */
export function RenameDialog({ item, onClose, onDone }: { item: ArtifactListItem | null; onClose(): void; onDone(name: string): void }) {
  const [name, setName] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    setName(item?.name ?? '');
    setError(null);
  }, [item]);
  const submit = async (): Promise<void> => {
    if (!item) return;
    if (name.trim() === '') {
      setError('Type a name.');
      return;
    }
    setBusy(true);
    try {
      const r = await api.call('artifacts.rename', { slug: item.slug, name });
      onDone(r.name);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog
      open={item !== null}
      title="Rename artifact"
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="primary" type="submit" form="rename-artifact-form" disabled={busy}>
            Rename
          </Button>
        </>
      }
    >
      <form
        id="rename-artifact-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Field label="Name" hint={item ? `The folder stays ${item.slug}.` : undefined} error={error}>
          {(id, describedBy) => (
            <TextInput id={id} aria-describedby={describedBy} value={name} maxLength={200} autoFocus onChange={(e) => setName(e.target.value)} />
          )}
        </Field>
      </form>
    </Dialog>
  );
}
