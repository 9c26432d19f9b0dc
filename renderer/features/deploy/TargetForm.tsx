import { useState } from 'react';
import { deployTargetInputSchema, type DeployTarget, type DeployTargetInput } from '../../../shared/contract/deploy';
import { api, toKilnError } from '../../api/client';
import { Button } from '../../components/Button';
import { Field, PasswordInput, TextInput } from '../../components/Field';
import { firstLimitProblem } from '../../components/limits';
import type { KilnError } from '../../../shared/contract/core';
import { ErrorBox } from '../publish/SheetParts';

type Kind = DeployTarget['kind'];

/** Adds or edits a target. Credentials go to the keychain; a stored one shows as "stored", never its value. */
export function TargetForm({ target, onSaved, onCancel }: { target: DeployTarget | null; onSaved(t: DeployTarget): void; onCancel(): void }) {
  const [kind, setKind] = useState<Kind>(target?.kind ?? 'ssh');
  const [name, setName] = useState(target?.name ?? '');
  const [address, setAddress] = useState(target?.address ?? '');
  const [baseImage, setBaseImage] = useState(target?.baseImage ?? '');
  const [bindAddress, setBindAddress] = useState(target?.bindAddress ?? '');
  const [publicHost, setPublicHost] = useState(target?.publicHost ?? '');
  const [secrets, setSecrets] = useState<Partial<Record<'tlsCa' | 'tlsCert' | 'tlsKey' | 'sshKey' | 'sshPassphrase', string>>>({});
  const [error, setError] = useState<KilnError | null>(null);
  const [saving, setSaving] = useState(false);
  const local = kind === 'local';
  const s = deployTargetInputSchema.shape;
  const tooLong = firstLimitProblem([
    [local ? '' : name.trim(), s.name, 'The name'],
    [address.trim(), s.address, 'The address'],
    [baseImage.trim(), s.baseImage, 'The base image'],
    [bindAddress.trim(), s.bindAddress, 'The listen address'],
    [publicHost.trim(), s.publicHost, 'The host name'],
    [secrets.tlsCa ?? '', s.tlsCa, 'The CA certificate'],
    [secrets.tlsCert ?? '', s.tlsCert, 'The client certificate'],
    [secrets.tlsKey ?? '', s.tlsKey, 'The client key'],
    [secrets.sshKey ?? '', s.sshKey, 'The SSH key'],
    [secrets.sshPassphrase ?? '', s.sshPassphrase, 'The passphrase'],
  ]);

  const save = async (): Promise<void> => {
    if (tooLong) return;
    setSaving(true);
    setError(null);
    const input: DeployTargetInput = { name: local ? 'local' : name, kind, address, baseImage, bindAddress, publicHost, ...secrets };
    if (target) input.id = target.id;
    try {
      onSaved(await api.call('deploy.saveTarget', input));
    } catch (e) {
      setError(toKilnError(e));
    } finally {
      setSaving(false);
    }
  };
  const pem = (key: 'tlsCa' | 'tlsCert' | 'tlsKey' | 'sshKey', label: string) => (
    <Field label={label} hint={target?.credentials[key] ? 'Stored in the keychain. Paste a new one to replace it.' : 'Paste the PEM text; it is kept in the keychain.'}>
      {(id, describedBy) => <textarea id={id} aria-describedby={describedBy} className="input" spellCheck={false} autoComplete="off" value={secrets[key] ?? ''} onChange={(e) => setSecrets({ ...secrets, [key]: e.target.value })} />}
    </Field>
  );

  return (
    <form
      className="deploy-target-form"
      aria-label={target ? `Edit ${target.name}` : 'Add a Docker host'}
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      {error && <ErrorBox error={error} />}
      {tooLong && (
        <p className="error-text" role="alert">
          {tooLong}
        </p>
      )}
      {!local && (
        <>
          <Field label="Name">{(id) => <TextInput id={id} value={name} onChange={(e) => setName(e.target.value)} required />}</Field>
          <Field label="Connection">
            {(id) => (
              <select id={id} className="input" value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
                <option value="ssh">SSH (user@host)</option>
                <option value="tcp">TCP with TLS (host:2376)</option>
              </select>
            )}
          </Field>
          <Field label="Address" hint={kind === 'ssh' ? 'user@host or user@host:port; the host runs Docker and the docker CLI.' : 'host:port of a dockerd started with --tlsverify.'}>
            {(id, describedBy) => <TextInput id={id} aria-describedby={describedBy} value={address} onChange={(e) => setAddress(e.target.value)} required />}
          </Field>
        </>
      )}
      <Field label="Base image" hint="Empty: KILN_DEPLOY_BASE_IMAGE when set, else python:3.11-slim.">
        {(id, describedBy) => <TextInput id={id} aria-describedby={describedBy} value={baseImage} onChange={(e) => setBaseImage(e.target.value)} />}
      </Field>
      <Field label="Listen address" hint="Empty: all interfaces (0.0.0.0). 127.0.0.1 keeps the app private to the host.">
        {(id, describedBy) => <TextInput id={id} aria-describedby={describedBy} value={bindAddress} onChange={(e) => setBindAddress(e.target.value)} />}
      </Field>
      <Field label="Host name in URLs" hint="Empty: the address's host (localhost for this machine).">
        {(id, describedBy) => <TextInput id={id} aria-describedby={describedBy} value={publicHost} onChange={(e) => setPublicHost(e.target.value)} />}
      </Field>
      {kind === 'tcp' && (
        <>
          {pem('tlsCa', 'CA certificate')}
          {pem('tlsCert', 'Client certificate')}
          {pem('tlsKey', 'Client key')}
        </>
      )}
      {kind === 'ssh' && (
        <>
          {pem('sshKey', 'SSH private key (optional with an SSH agent)')}
          <Field label="Key passphrase" hint={target?.credentials.sshPassphrase ? 'Stored in the keychain.' : 'Only if the key has one.'}>
            {(id, describedBy) => <PasswordInput id={id} aria-describedby={describedBy} value={secrets.sshPassphrase ?? ''} onChange={(e) => setSecrets({ ...secrets, sshPassphrase: e.target.value })} />}
          </Field>
        </>
      )}
      <div className="vault-row">
        <Button type="submit" variant="primary" disabled={saving || tooLong !== null}>
          Save
        </Button>
        <Button onClick={onCancel}>Cancel</Button>
      </div>
    </form>
  );
}
