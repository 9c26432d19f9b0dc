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
