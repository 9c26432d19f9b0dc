// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { AccessPicker, type AccessDraft } from './AccessPicker';

const draft = (mode: AccessDraft['mode']): AccessDraft => ({ mode, password: '', emails: '', orgAllowed: false });

afterEach(cleanup);

describe('AccessPicker: what a password means for anton', () => {
  it('says anton keeps the password in plain text too, when its file holds one', () => {
    render(<AccessPicker value={draft('password')} onChange={() => undefined} passwordSet antonPlaintext />);
    expect(screen.getByRole('note').textContent).toContain('anton also stores this report\'s password in plain text');
  });

  it('says anton\'s "keep" would make a Kiln password report public', () => {
    render(<AccessPicker value={draft('password')} onChange={() => undefined} passwordSet={false} />);
    expect(screen.getByRole('note').textContent).toContain('republishing it from anton with "keep" makes it public');
  });

  it('says nothing about anton for a public report', () => {
    render(<AccessPicker value={draft('public')} onChange={() => undefined} passwordSet={false} />);
    expect(screen.queryByRole('note')).toBeNull();
  });
});

describe("AccessPicker: the contract's limits, before anything is sent", () => {
  it('a password over 1,024 characters is marked with a sentence', () => {
    render(<AccessPicker value={{ ...draft('password'), password: 'p'.repeat(1025) }} onChange={() => undefined} passwordSet={false} />);
    const input = screen.getByLabelText('Password');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText('The password is 1,025 characters; the limit is 1,024. Shorten it.')).toBeTruthy();
  });

  it('an over-long e-mail, or more e-mails than a report allows, is named', () => {
    const long = `${'a'.repeat(320)}@x.io`;
    const { unmount } = render(<AccessPicker value={{ ...draft('restricted'), emails: `ok@x.io, ${long}` }} onChange={() => undefined} passwordSet={false} />);
    expect(screen.getByLabelText('Allowed e-mails').getAttribute('aria-invalid')).toBe('true');
    expect(screen.getByText(/^The e-mail "a{40}…" is 325 characters; the limit is 320\. Check the address\.$/)).toBeTruthy();
    unmount();
    const many = Array.from({ length: 1001 }, (_, i) => `u${i}@x.io`).join('\n');
    render(<AccessPicker value={{ ...draft('restricted'), emails: many }} onChange={() => undefined} passwordSet={false} />);
    expect(screen.getByText('That is 1,001 e-mails; a report allows at most 1,000. Allow your organisation instead, or remove some.')).toBeTruthy();
  });

  it('within the limits nothing is marked', () => {
    render(<AccessPicker value={{ ...draft('password'), password: 'p'.repeat(1024) }} onChange={() => undefined} passwordSet={false} />);
    expect(screen.getByLabelText('Password').getAttribute('aria-invalid')).toBeNull();
  });
});
