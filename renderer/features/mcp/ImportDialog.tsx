import { useState } from 'react';
import { mcpEndpoints, type McpImportResult } from '../../../shared/contract/mcp';
import { api, errorMessage } from '../../api/client';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { Field } from '../../components/Field';
import { limitProblem } from '../../components/limits';

/** Import servers from the `mcpServers` JSON of Claude Desktop, Cursor and others: paste it or pick the file. */
export function ImportDialog({ onClose, onImported }: { onClose(): void; onImported(result: McpImportResult): void }) {
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const tooLong = limitProblem(text, mcpEndpoints['mcp.import'].input.shape.text, 'The pasted JSON', 'Paste only the mcpServers part.');

  const pick = (file: File | undefined): void => {
    if (!file) return;
    if (file.size > 1_000_000) {
      setError('That file is larger than 1 MB; an mcpServers file is usually a few KB.');
      return;
    }
    file.text().then(setText, (e: unknown) => setError(errorMessage(e)));
  };
  const submit = (): void => {
    if (tooLong) return;
    setBusy(true);
    setError(null);
    api
      .call('mcp.import', { text })
      .then(onImported)
      .catch((e: unknown) => setError(errorMessage(e)))
      .finally(() => setBusy(false));
  };

  return (
    <Dialog
      open
      wide
      title="Import MCP servers"
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="primary" disabled={busy || text.trim() === '' || tooLong !== null} onClick={submit}>
            Import
          </Button>
        </>
      }
    >
      <p className="muted">
        Paste the <code>mcpServers</code> JSON from Claude Desktop (<code>claude_desktop_config.json</code>), Cursor or another app, or pick the
        file. Values of variables and headers that look like credentials go to the OS keychain.
      </p>
      <Field label="mcpServers JSON">
        {(id) => (
          <textarea
            id={id}
            className="input mcp-import-text"
            rows={10}
            spellCheck={false}
            placeholder={'{\n  "mcpServers": {\n    "files": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/data"] }\n  }\n}'}
            value={text}
            onChange={(e) => setText(e.target.value)}
          />
        )}
      </Field>
      <label className="btn btn-secondary mcp-file-pick">
        Choose file…
        <input type="file" accept=".json,application/json" className="visually-hidden" onChange={(e) => pick(e.target.files?.[0])} />
      </label>
      {(tooLong ?? error) && (
        <p className="error-text" role="alert">
          {tooLong ?? error}
        </p>
      )}
    </Dialog>
  );
}
