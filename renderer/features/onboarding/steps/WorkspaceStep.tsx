import { useEffect, useState } from 'react';
import { artifactsEndpoints, type WorkspaceInfo } from '../../../../shared/contract/artifacts';
import { api, errorMessage } from '../../../api/client';
import { Button } from '../../../components/Button';
import { Field, TextInput } from '../../../components/Field';
import { limitProblem } from '../../../components/limits';

export function WorkspaceStep() {
  const [info, setInfo] = useState<WorkspaceInfo | null>(null);
  const [path, setPath] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    api.call('artifacts.workspace').then(
      (w) => {
        setInfo(w);
        setPath(w.path);
      },
      (e) => setError(errorMessage(e)),
    );
  }, []);
  const tooLong = limitProblem(path, artifactsEndpoints['artifacts.setWorkspace'].input.shape.path, 'The folder path');
  const apply = async (): Promise<void> => {
    if (tooLong) return;
    setError(null);
    setSaved(false);
    try {
      const w = await api.call('artifacts.setWorkspace', { path });
      setInfo(w);
      setSaved(true);
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  return (
    <div>
      <p>Kiln keeps your artifacts, chats and app environments in one folder. An existing anton workspace works too: its artifacts show up in the gallery.</p>
      {info?.overridden && <p className="muted">This run was started with <code>--workspace</code>, which wins over the choice you make here.</p>}
      <Field label="Workspace folder" hint="An absolute path; Kiln creates it if needed." error={tooLong ?? error}>
        {(id, describedBy) => (
          <div className="settings-row">
            <TextInput id={id} aria-describedby={describedBy} value={path} aria-invalid={tooLong !== null} onChange={(e) => setPath(e.target.value)} style={{ flex: 1 }} />
            <Button onClick={() => void apply()} disabled={!path.trim() || path === info?.path || tooLong !== null}>
              Use this folder
            </Button>
          </div>
        )}
      </Field>
      {saved && <p role="status">Workspace set to <code>{info?.path}</code>.</p>}
    </div>
  );
}
