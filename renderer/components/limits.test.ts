import { describe, expect, it } from 'vitest';
import { tooLongMessage } from './limits';

describe('tooLongMessage', () => {
  it('is null at the limit and a sentence with both numbers and the fix above it', () => {
    expect(tooLongMessage(100_000, 100_000, 'Your message')).toBeNull();
    expect(tooLongMessage(33_554_432, 100_000, 'Your message', 'Attach it as a file.')).toBe('Your message is 33,554,432 characters; the limit is 100,000. Attach it as a file.');
  });
});

describe('maxLengthOf / limitProblem: the limit comes from the contract schema', () => {
  it('reads the maximum through optional, nullable and default wrappers', async () => {
    const { z } = await import('zod');
    const { maxLengthOf, limitProblem } = await import('./limits');
    const { settingsPatchSchema } = await import('../../shared/contract/settings');
    expect(maxLengthOf(z.string().trim().min(1).max(200))).toBe(200);
    expect(maxLengthOf(z.string().max(4096).nullable())).toBe(4096);
    expect(maxLengthOf(z.string().trim().max(500).default(''))).toBe(500);
    expect(maxLengthOf(settingsPatchSchema.shape.workspace.unwrap().shape.path)).toBe(4096);
    expect(() => maxLengthOf(z.string())).toThrow(/no maximum/);
    expect(limitProblem('x'.repeat(201), z.string().max(200), 'The name')).toBe('The name is 201 characters; the limit is 200. Shorten it.');
    expect(limitProblem('x'.repeat(200), z.string().max(200), 'The name')).toBeNull();
  });
});
