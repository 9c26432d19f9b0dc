import { useEffect, useState } from 'react';
import { artifactsEndpoints, type ArtifactListItem, type ArtifactRecord } from '../../../shared/contract/artifacts';
import { api } from '../../api/client';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { Field, TextInput } from '../../components/Field';
import { limitProblem } from '../../components/limits';
import { useAsyncAction } from '../../hooks/useAsyncAction';

/** Changes the human name only; the folder (slug) stays, so links and paths keep working. */
export function RenameDialog({ item, onClose, onDone }: { item: ArtifactListItem | null; onClose(): void; onDone(record: ArtifactRecord): void }) {
  const [name, setName] = useState('');
  const [empty, setEmpty] = useState(false);
  const { busy, error, run, clearError } = useAsyncAction(async (slug: string) => onDone(await api.call('artifacts.rename', { slug, name })));
  useEffect(() => {
    setName(item?.name ?? '');
    setEmpty(false);
    clearError();
  }, [item, clearError]);
  const tooLong = limitProblem(name, artifactsEndpoints['artifacts.rename'].input.shape.name, 'The name');
  const submit = (): void => {
    if (!item) return;
    setEmpty(name.trim() === '');
    if (name.trim() !== '' && !tooLong) void run(item.slug);
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
          submit();
        }}
      >
        <Field label="Name" hint={item ? `The folder stays ${item.slug}.` : undefined} error={tooLong ?? (empty ? 'Type a name.' : (error?.message ?? null))}>
          {(id, describedBy) => (
            <TextInput id={id} aria-describedby={describedBy} value={name} aria-invalid={tooLong !== null} autoFocus onChange={(e) => setName(e.target.value)} />
          )}
        </Field>
      </form>
    </Dialog>
  );
}
