import { describe, expect, it } from 'vitest';
import { tooLongMessage } from './limits';

describe('tooLongMessage', () => {
  it('is null at the limit and a sentence with both numbers and the fix above it', () => {
    expect(tooLongMessage(100_000, 100_000, 'Your message')).toBeNull();
    expect(tooLongMessage(33_554_432, 100_000, 'Your message', 'Attach it as a file.')).toBe('Your message is 33,554,432 characters; the limit is 100,000. Attach it as a file.');
  });
});
