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

/**
 * Why a call failed, finer than the code, for the few places the UI acts differently on it
 * (the publish sheet asks for a key only on `publish-key-missing`). Add a reason here, once,
 * when a screen needs to branch; everything else shows the message.
 */
export const errorReasons = [
  /** No publish API key is set. */
  'publish-key-missing',
  /** The publish service refused the key. */
  'publish-key-rejected',
  /** An artifact folder or file is a link to a place outside the artifacts folder. */
  'outside-workspace',
  /** A path given for a file inside an artifact leaves it (`..`, absolute). */
  'outside-artifact',
  /** A file that never leaves main (a record, a publish state) was asked for. */
  'reserved-file',
  /** metadata.json can't be read; Kiln leaves the artifact untouched. */
  'record-damaged',
  /** The OS keychain can't be reached. */
  'keychain-unavailable',
  /** No usable Python interpreter. */
  'python-missing',
  /** The disk (or the user's quota) is full: free space, then try again. */
  'disk-full',
  /** The folder is on a read-only disk or mount. */
  'disk-read-only',
  /** The OS refused access to a file or folder. */
  'permission-denied',
  /** A path goes round in a loop of symbolic links, or is a link where a file must be. */
  'link-loop',
  /** Kiln (or the system) has too many files open. */
  'too-many-open-files',
  /** A FIFO, socket, device or folder where a plain file was expected. */
  'not-regular-file',
  /** A file is larger than Kiln reads for this purpose. */
  'file-too-large',
  /** A stored key would go to an address the user has not confirmed it for (Settings shows Confirm). */
  'origin-unconfirmed',
] as const;
export type ErrorReason = (typeof errorReasons)[number];

export const ipcErrorSchema = z.object({
  code: z.enum(errorCodes),
  message: z.string(),
  /** Optional detail a user can expand (log tail, HTTP status); never a stack trace. */
  details: z.string().optional(),
  reason: z.enum(errorReasons).optional(),
});
export type IpcError = z.infer<typeof ipcErrorSchema>;

export type IpcResult<T> = { ok: true; data: T } | { ok: false; error: IpcError };

/**
 * Thrown by services and handlers (the router turns it into an error envelope), and rebuilt by
 * the renderer's client from that envelope, so both sides branch on the same fields.
 */
export class KilnError extends Error {
  readonly code: ErrorCode;
  readonly details: string | undefined;
  readonly reason: ErrorReason | undefined;
  constructor(code: ErrorCode, message: string, details?: string, reason?: ErrorReason) {
    super(message);
    this.name = 'KilnError';
    this.code = code;
    this.details = details;
    this.reason = reason;
  }

  /** The envelope that crosses the boundary; `scrub` cleans message and details. */
  toIpcError(scrub: (text: string) => string = (t) => t): IpcError {
    const out: IpcError = { code: this.code, message: scrub(this.message) };
    if (this.details !== undefined) out.details = scrub(this.details);
    if (this.reason !== undefined) out.reason = this.reason;
    return out;
  }

  static fromIpcError(e: IpcError): KilnError {
    return new KilnError(e.code, e.message, e.details, e.reason);
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
