import { useState } from 'react';
import { MCP_SECRET_MASK, mcpServerInputSchema, type McpServerInput, type McpServerView, type McpVarView } from '../../../shared/contract/mcp';
import { api, errorMessage } from '../../api/client';
import { Button } from '../../components/Button';
import { Dialog } from '../../components/Dialog';
import { Field, TextInput } from '../../components/Field';
import { firstLimitProblem } from '../../components/limits';
import { VarRows, newRow, type VarRow } from './VarRows';

interface Props {
  existing?: McpServerView;
  onClose(): void;
  onSaved(view: McpServerView): void;
}

const toRows = (vars: McpVarView[]): VarRow[] => vars.map((v) => newRow({ name: v.name, value: v.secret ? '' : v.value, secret: v.secret, stored: v.secret && v.set }));
const fromRows = (rows: VarRow[]) =>
  rows
    .filter((r) => r.name.trim() !== '')
    .map((r) => (r.secret && r.value === '' ? { name: r.name.trim(), secret: true } : { name: r.name.trim(), secret: r.secret, value: r.value }));

/** Add or edit an MCP server: a local command (stdio) or a URL (streamable HTTP). */
export function ServerForm({ existing, onClose, onSaved }: Props) {
  const [name, setName] = useState(existing?.name ?? '');
  const [transport, setTransport] = useState<'stdio' | 'http'>(existing?.transport ?? 'stdio');
  const [command, setCommand] = useState(existing?.command ?? '');
  const [args, setArgs] = useState((existing?.args ?? []).join('\n'));
  const [cwd, setCwd] = useState(existing?.cwd ?? '');
  const [url, setUrl] = useState(existing?.url ?? '');
  const [env, setEnv] = useState<VarRow[]>(toRows(existing?.env ?? []));
  const [headers, setHeaders] = useState<VarRow[]>(toRows(existing?.headers ?? []));
  const [timeout, setTimeoutSec] = useState(String(existing?.timeoutSec ?? 60));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const s = mcpServerInputSchema.shape;
  const longestArg = args.split('\n').reduce((a, b) => (b.trim().length > a.length ? b.trim() : a), '');
  const tooLong = firstLimitProblem([
    [command.trim(), s.command, 'The command'],
    [longestArg, s.args.element, 'One argument line'],
    [cwd.trim(), s.cwd, 'The working folder'],
    [url.trim(), s.url, 'The URL'],
    ...[...env, ...headers].map((r) => [r.value, s.env.element.shape.value, `The value of ${r.name.trim() || 'a variable'}`] as const),
  ]);
  const submit = (): void => {
    if (tooLong) return;
    const server: McpServerInput = {
      name: name.trim(),
      transport,
      command: command.trim(),
      args: args.split('\n').map((a) => a.trim()).filter((a) => a !== ''),
      cwd: cwd.trim(),
      url: url.trim(),
      env: fromRows(env),
      headers: fromRows(headers),
      enabled: existing?.enabled ?? true,
      timeoutSec: Math.round(Number(timeout)) || 60,
    };
    setBusy(true);
    setError(null);
    api
      .call('mcp.save', existing ? { previousName: existing.name, server } : { server })
      .then(onSaved)
      .catch((e: unknown) => setError(errorMessage(e)))
      .finally(() => setBusy(false));
  };

  return (
    <Dialog
      open
      wide
      title={existing ? `Edit ${existing.name}` : 'Add an MCP server'}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="primary" type="submit" form="mcp-server-form" disabled={busy || name.trim() === '' || tooLong !== null}>
            {existing ? 'Save changes' : 'Add server'}
          </Button>
        </>
      }
    >
      <form
        id="mcp-server-form"
        onSubmit={(e) => {
          e.preventDefault();
          submit();
        }}
      >
        <Field label="Name *" hint="Letters, digits and hyphens. The agent sees its tools as name__tool.">
          {(id, d) => <TextInput id={id} aria-describedby={d} value={name} spellCheck={false} onChange={(e) => setName(e.target.value)} />}
        </Field>
        <div className="mcp-transport" role="radiogroup" aria-label="Kind of server">
          <label>
            <input type="radio" name="mcp-transport" checked={transport === 'stdio'} onChange={() => setTransport('stdio')} /> Local command (stdio)
          </label>
          <label>
            <input type="radio" name="mcp-transport" checked={transport === 'http'} onChange={() => setTransport('http')} /> Remote URL (streamable HTTP)
          </label>
        </div>
        {transport === 'stdio' ? (
          <>
            <Field label="Command *" hint="A program on your PATH or a full path, e.g. npx, uvx, node, python3.">
              {(id, d) => <TextInput id={id} aria-describedby={d} value={command} spellCheck={false} onChange={(e) => setCommand(e.target.value)} />}
            </Field>
            <Field label="Arguments" hint={`One per line. A password in a URL, --api-key=…, --token … go to the OS keychain and show as ${MCP_SECRET_MASK}: leave such a line as it is to keep the secret, or type it in full to replace it.`}>
              {(id, d) => <textarea id={id} aria-describedby={d} className="input" rows={3} value={args} spellCheck={false} onChange={(e) => setArgs(e.target.value)} />}
            </Field>
            <Field label="Working folder" hint="Optional.">
              {(id, d) => <TextInput id={id} aria-describedby={d} value={cwd} spellCheck={false} onChange={(e) => setCwd(e.target.value)} />}
            </Field>
            <VarRows label="Environment" namePlaceholder="NAME" rows={env} onChange={setEnv} />
            <p className="field-hint">The server gets only PATH, HOME, locale and temp folders from Kiln, plus these. Secret values go to the OS keychain.</p>
          </>
        ) : (
          <>
            <Field label="URL *" hint="The server's streamable HTTP endpoint, e.g. https://mcp.example.com/mcp.">
              {(id, d) => <TextInput id={id} aria-describedby={d} value={url} spellCheck={false} onChange={(e) => setUrl(e.target.value)} />}
            </Field>
            <VarRows label="Headers" namePlaceholder="Authorization" rows={headers} onChange={setHeaders} />
          </>
        )}
        <Field label="Timeout per call (seconds)">
          {(id, d) => <TextInput id={id} aria-describedby={d} inputMode="numeric" value={timeout} onChange={(e) => setTimeoutSec(e.target.value)} />}
        </Field>
        {(tooLong ?? error) && (
          <p className="error-text" role="alert">
            {tooLong ?? error}
          </p>
        )}
      </form>
    </Dialog>
  );
}
