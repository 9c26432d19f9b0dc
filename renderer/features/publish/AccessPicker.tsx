import { useId } from 'react';
import { Field, PasswordInput } from '../../components/Field';
import { accessLimitProblem } from './access-limits';

export interface AccessDraft {
  mode: 'public' | 'password' | 'restricted';
  password: string;
  emails: string;
  orgAllowed: boolean;
}

interface Props {
  value: AccessDraft;
  onChange(next: AccessDraft): void;
  /** A password for this artifact is already in the keychain (leaving the field empty keeps it). */
  passwordSet: boolean;
  /** anton keeps this report's password in plain text in its `.published.json`. */
  antonPlaintext?: boolean;
  disabled?: boolean;
}

/** What the password choice means for anton, which shares the workspace and the report. */
export function antonPasswordNote(antonPlaintext: boolean): string {
  return antonPlaintext
    ? "anton also stores this report's password in plain text, in its .published.json. When you change the password here, Kiln writes the new one there too, so both tools keep the same password."
    : 'Kiln keeps the password only in your keychain, so anton has none for this report: republishing it from anton with "keep" makes it public unless you set a password there.';
}

const modes: { mode: AccessDraft['mode']; label: string; hint: string }[] = [
  { mode: 'public', label: 'Public', hint: 'Anyone with the link can open it.' },
  { mode: 'password', label: 'Password', hint: 'Visitors need a password. Only a hash is sent; the password stays in your keychain.' },
  { mode: 'restricted', label: 'Restricted', hint: 'Only the listed e-mail addresses (and optionally your organisation) can open it.' },
];

export function AccessPicker({ value, onChange, passwordSet, antonPlaintext = false, disabled }: Props) {
  const problem = accessLimitProblem(value);
  const name = useId();
  return (
    <fieldset className="publish-access" disabled={disabled}>
      <legend>Who can open it</legend>
      {modes.map((m) => (
        <label key={m.mode} className="publish-radio">
          <input type="radio" name={name} value={m.mode} checked={value.mode === m.mode} onChange={() => onChange({ ...value, mode: m.mode })} />
          <span>
            <strong>{m.label}</strong> <span className="muted">— {m.hint}</span>
          </span>
        </label>
      ))}
      {value.mode === 'password' && (
        <p className="muted publish-anton-note" role="note">
          {antonPasswordNote(antonPlaintext)}
        </p>
      )}
      {value.mode === 'password' && (
        <Field
          label="Password"
          hint={passwordSet ? 'Leave empty to keep the current password.' : 'Choose a password to share with your readers.'}
          error={problem?.field === 'password' ? problem.message : null}
        >
          {(id, describedBy) => (
            <PasswordInput
              id={id}
              aria-describedby={describedBy}
              aria-invalid={problem?.field === 'password' || undefined}
              value={value.password}
              onChange={(e) => onChange({ ...value, password: e.target.value })}
            />
          )}
        </Field>
      )}
      {value.mode === 'restricted' && (
        <>
          <Field label="Allowed e-mails" hint="Separate addresses with commas or new lines." error={problem?.field === 'emails' ? problem.message : null}>
            {(id, describedBy) => (
              <textarea
                id={id}
                aria-describedby={describedBy}
                aria-invalid={problem?.field === 'emails' || undefined}
                className="input"
                rows={3}
                value={value.emails}
                onChange={(e) => onChange({ ...value, emails: e.target.value })}
              />
            )}
          </Field>
          <label className="publish-check">
            <input type="checkbox" checked={value.orgAllowed} onChange={(e) => onChange({ ...value, orgAllowed: e.target.checked })} />
            Also allow everyone in my organisation
          </label>
        </>
      )}
    </fieldset>
  );
}
