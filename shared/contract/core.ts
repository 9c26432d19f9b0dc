import { z } from 'zod';

/**
 * The IPC contract is data: each endpoint and event is declared once with zod, and the
 * router, the preload allowlist and the renderer client are all derived from these objects.
 */
export interface EndpointDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly kind: 'endpoint';
  readonly channel: string;
  readonly input: I;
  readonly output: O;
}

export interface EventDef<P extends z.ZodType = z.ZodType> {
  readonly kind: 'event';
  readonly name: string;
  readonly payload: P;
}

export function defineEndpoint<C extends string, I extends z.ZodType, O extends z.ZodType>(
  channel: C,
  def: { input: I; output: O },
): EndpointDef<I, O> & { channel: C } {
  return { kind: 'endpoint', channel, input: def.input, output: def.output };
}

export function defineEvent<N extends string, P extends z.ZodType>(
  name: N,
  payload: P,
): EventDef<P> & { name: N } {
  return { kind: 'event', name, payload };
}

/** Error codes that may cross the boundary. Anything else becomes INTERNAL. */
export const errorCodes = [
  'VALIDATION',
  'NOT_FOUND',
  'CONFLICT',
  'FORBIDDEN',
  'UNAVAILABLE',
  'TIMEOUT',
  'CANCELLED',
  'UNSUPPORTED',
  'IO',
  'EXTERNAL',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export const ipcErrorSchema = z.object({
  code: z.enum(errorCodes),
  message: z.string(),
  /** Optional detail a user can expand (log tail, HTTP status); never a stack trace. */
  details: z.string().optional(),
});
export type IpcError = z.infer<typeof ipcErrorSchema>;

export type IpcResult<T> = { ok: true; data: T } | { ok: false; error: IpcError };

/** Thrown by services and handlers; the router turns it into an error envelope. */
export class KilnError extends Error {
  readonly code: ErrorCode;
  readonly details: string | undefined;
  constructor(code: ErrorCode, message: string, details?: string) {
    super(message);
    this.name = 'KilnError';
    this.code = code;
    this.details = details;
  }
}

export function isKilnError(e: unknown): e is KilnError {
  return e instanceof KilnError;
}

/** Renders zod issues as one readable sentence per problem, with the path that failed. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.length > 0 ? issue.path.join('.') : 'input';
      return `${where}: ${issue.message}`;
    })
    .join('; ');
}
