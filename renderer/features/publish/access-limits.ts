import { accessEmailSchema, accessPasswordSchema, MAX_ACCESS_EMAILS } from '../../../shared/contract/publish';
import { limitProblem } from '../../components/limits';
import type { AccessDraft } from './AccessPicker';
import { splitEmails } from './format';

/**
 * The sentence the review sheet shows when the access choice breaks the contract's limits (a
 * password, one e-mail, or the number of e-mails), or null. Publish stays disabled meanwhile,
 * so the user never meets a bare validation error after the upload was prepared.
 */
export function accessLimitProblem(draft: AccessDraft): { field: 'password' | 'emails'; message: string } | null {
  if (draft.mode === 'password') {
    const message = limitProblem(draft.password, accessPasswordSchema, 'The password');
    return message ? { field: 'password', message } : null;
  }
  if (draft.mode !== 'restricted') return null;
  const emails = splitEmails(draft.emails);
  if (emails.length > MAX_ACCESS_EMAILS) {
    return { field: 'emails', message: `That is ${emails.length.toLocaleString('en-US')} e-mails; a report allows at most ${MAX_ACCESS_EMAILS.toLocaleString('en-US')}. Allow your organisation instead, or remove some.` };
  }
  for (const email of emails) {
    const message = limitProblem(email, accessEmailSchema, `The e-mail "${email.slice(0, 40)}…"`, 'Check the address.');
    if (message) return { field: 'emails', message };
  }
  return null;
}
