/**
 * The sentence a free-text input shows when its text is longer than the contract allows,
 * or null when it fits. Inputs check before sending, so the user never meets a bare
 * VALIDATION error (or, before the host refused oversized messages, a dead host).
 */
export function tooLongMessage(length: number, max: number, what: string, fix = 'Shorten it.'): string | null {
  if (length <= max) return null;
  const n = (x: number): string => x.toLocaleString('en-US');
  return `${what} is ${n(length)} characters; the limit is ${n(max)}. ${fix}`;
}
