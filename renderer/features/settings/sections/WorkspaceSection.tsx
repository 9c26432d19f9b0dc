import { useEffect, useState } from 'react';
import { artifactsEndpoints, type WorkspaceInfo } from '../../../../shared/contract/artifacts';
import { api, errorMessage } from '../../../api/client';
import { Button } from '../../../components/Button';
import { Field, TextInput } from '../../../components/Field';
import { limitProblem } from '../../../components/limits';
import { useAsyncAction } from '../../../hooks/useAsyncAction';
import { useShell } from '../../../stores/shell';

/**
 * The workspace folder (artifacts live in `<workspace>/.anton/artifacts`). Main checks the
 * new path is absolute, creatable and writable before it is saved.
 */
export function WorkspaceSection() {
  const notify = useShell((s) => s.notify);
  const [info, setInfo] = useState<WorkspaceInfo | null>(null);
  const [draft, setDraft] = useState('');
  const [loadError, setLoadError] = useState<string | null>(null);

  useEffect(() => {
    api
      .call('artifacts.workspace')
      .then((w) => {
        setInfo(w);
        setDraft(w.path);
      })
      .catch((e) => setLoadError(errorMessage(e)));
  }, []);

  const { busy, error: applyError, run: apply } = useAsyncAction(async () => {
    const w = await api.call('artifacts.setWorkspace', { path: draft });
    setInfo(w);
    setDraft(w.path);
    notify({
      level: 'success',
      message: w.overridden ? 'Saved. It takes effect when Kiln starts without --workspace.' : `Workspace is now ${w.path}.`,
    });
  });
  const tooLong = limitProblem(draft, artifactsEndpoints['artifacts.setWorkspace'].input.shape.path, 'The folder path');
  const error = tooLong ?? applyError?.message ?? loadError;

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        if (!tooLong) void apply();
      }}
    >
      <p className="muted">
        Current workspace: <code>{info?.path ?? '…'}</code>
        {info && (
          <>
            <br />
            Artifacts: <code>{info.artifactsRoot}</code>
          </>
        )}
      </p>
      {info?.overridden && (
        <p role="note" className="field-hint">
          This run uses the folder given with <code>--workspace</code> or <code>KILN_WORKSPACE</code>; a folder saved here applies when Kiln starts without it.
        </p>
      )}
      <Field label="Workspace folder" hint="An absolute path (or ~/…). Point it at an anton workspace to see anton's artifacts." error={error}>
        {(id, describedBy) => (
          <TextInput id={id} aria-describedby={describedBy} value={draft} aria-invalid={tooLong !== null} spellCheck={false} onChange={(e) => setDraft(e.target.value)} />
        )}
      </Field>
      <Button variant="primary" type="submit" disabled={busy || draft.trim() === '' || draft === info?.path || tooLong !== null}>
        Apply
      </Button>
    </form>
  );
}
