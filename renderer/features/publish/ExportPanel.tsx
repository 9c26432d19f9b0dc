import { useEffect, useState } from 'react';
import { publishEndpoints } from '../../../shared/contract/publish';
import { api } from '../../api/client';
import { Button } from '../../components/Button';
import { Field, TextInput } from '../../components/Field';
import { limitProblem } from '../../components/limits';
import { useAsyncAction } from '../../hooks/useAsyncAction';

/**
 * "Export bundle…": the same zip written to a path (plus a Dockerfile and README for
 * fullstack apps). Electron asks with a save dialog; the web host has none, so the path is typed.
 */
export function ExportPanel({ slug, fullstack }: { slug: string; fullstack: boolean }) {
  const [runtime, setRuntime] = useState<'electron' | 'web' | null>(null);
  const [open, setOpen] = useState(false);
  const [target, setTarget] = useState('');
  const [done, setDone] = useState<string | null>(null);
  useEffect(() => {
    api.call('app.info').then(
      (info) => {
        setRuntime(info.runtime);
        setTarget(`${info.workspace}/${slug}.zip`);
      },
      () => setRuntime('web'),
    );
  }, [slug]);
  const { busy, error, run } = useAsyncAction(async (path?: string) => {
    setDone(null);
    const res = await api.call('publish.export', path ? { slug, path } : { slug });
    if (res.path) setDone(`Exported to ${res.path}`);
  });
  const message = error ? { ok: false, text: error.message } : done ? { ok: true, text: done } : null;
  const note = fullstack ? 'Includes a Dockerfile and README; secrets are passed as environment at run time, never included.' : 'The same files that would be published.';
  const tooLong = limitProblem(target.trim(), publishEndpoints['publish.export'].input.shape.path, 'The path');
  if (runtime === 'electron') {
    return (
      <div className="publish-section">
        <Button disabled={busy} onClick={() => void run()}>
          Export bundle…
        </Button>{' '}
        <span className="muted">{note}</span>
        {message && <p className={message.ok ? 'publish-ok' : 'error-text'} role="status">{message.text}</p>}
      </div>
    );
  }
  return (
    <div className="publish-section">
      {!open ? (
        <Button onClick={() => setOpen(true)} aria-expanded={false}>
          Export bundle…
        </Button>
      ) : (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (!tooLong) void run(target.trim());
          }}
        >
          <Field label="Export to (full path of the .zip)" hint={note} error={tooLong}>
            {(id, describedBy) => <TextInput id={id} aria-describedby={describedBy} aria-invalid={tooLong !== null} value={target} onChange={(e) => setTarget(e.target.value)} />}
          </Field>
          <Button type="submit" disabled={busy || target.trim() === '' || tooLong !== null}>
            Export
          </Button>
        </form>
      )}
      {message && <p className={message.ok ? 'publish-ok' : 'error-text'} role="status">{message.text}</p>}
    </div>
  );
}
