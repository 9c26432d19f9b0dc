import { KilnError } from '../../shared/contract/core';

/**
 * Only plain http(s) URLs go to the OS browser; everything else (file:, javascript:,
 * custom schemes that launch programs) is refused.
 */
export function validateExternalUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new KilnError('VALIDATION', 'That link is not a valid URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new KilnError('FORBIDDEN', `Kiln only opens http and https links in the browser, not ${url.protocol} links.`);
  }
  if (url.username || url.password) {
    throw new KilnError('FORBIDDEN', 'Kiln does not open links that carry a user name or password.');
  }
  return url.toString();
}
