import { z } from 'zod';

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

/**
 * The most characters a contract string schema accepts, read from the schema itself (through
 * `.optional()`, `.nullable()`, `.default()`), so an input's limit is never a second number.
 */
export function maxLengthOf(schema: z.ZodType): number {
  let s: z.ZodType = schema;
  while (s instanceof z.ZodOptional || s instanceof z.ZodNullable || s instanceof z.ZodDefault) s = s.unwrap() as z.ZodType;
  const max = s instanceof z.ZodString ? s.maxLength : null;
  if (max === null) throw new Error('maxLengthOf: the schema has no maximum length');
  return max;
}

/** `tooLongMessage` for a value and the contract schema it will be sent as. */
export function limitProblem(value: string, schema: z.ZodType, what: string, fix?: string): string | null {
  return tooLongMessage(value.length, maxLengthOf(schema), what, fix);
}

/** The first of several `[value, schema, what]` checks that fails, as its sentence (a form with many fields). */
export function firstLimitProblem(checks: ReadonlyArray<readonly [string, z.ZodType, string]>): string | null {
  for (const [value, schema, what] of checks) {
    const problem = limitProblem(value, schema, what);
    if (problem) return problem;
  }
  return null;
}
