import { ConnectError } from './types';

/** What a message may name about the target: never a secret field. */
export interface Target {
  engine: string;
  host?: string;
  port?: number | string;
  database?: string;
  user?: string;
}

interface DriverError {
  code?: string;
  errno?: number;
  message?: string;
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'EPROTO',
  'HANDSHAKE_SSL_ERROR',
  'HANDSHAKE_NO_SSL_SUPPORT',
]);

const where = (t: Target): string => (t.host ? `${t.host}${t.port ? `:${t.port}` : ''}` : 'the server');
const firstLine = (s: string): string => s.split('\n')[0]!.trim().replace(/\.$/, '');

/**
 * Turns a driver or network error into one sentence that says what is wrong and what to do:
 * host unreachable, wrong user or password, database missing, TLS, time limit. Anything else
 * keeps the driver's first line (the service scrubs it before it leaves main).
 */
export function explain(error: unknown, t: Target, timeoutMs: number): ConnectError {
  if (error instanceof ConnectError) return error;
  const e = (error ?? {}) as DriverError;
  const code = String(e.code ?? '');
  const message = String(e.message ?? error);
  const secs = Math.round(timeoutMs / 1000);
  if (code === 'ECONNREFUSED') {
    return new ConnectError('unreachable', `Nothing is listening on ${where(t)}: check the host and port, and that the server is running.`);
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NONAME') {
    return new ConnectError('unreachable', `The host "${t.host ?? ''}" could not be found: check its name (and your VPN, if it is on a private network).`);
  }
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'ECONNRESET') {
    return new ConnectError('unreachable', `${where(t)} could not be reached (${code}): check the host, port and any firewall or VPN.`);
  }
  if (code === 'ETIMEDOUT' || /timeout expired|timed out|Connection terminated due to connection timeout/i.test(message)) {
    return new ConnectError('timeout', `${where(t)} did not answer within ${secs} s: check the host, port and any firewall or VPN.`);
  }
  if (TLS_CODES.has(code) || /does not support SSL|SSL|TLS|certificate/i.test(message)) {
    return new ConnectError('tls', `The secure (TLS) connection to ${where(t)} failed: ${firstLine(message)}. Check the SSL mode.`);
  }
  // PostgreSQL SQLSTATEs and MySQL/MariaDB error names.
  if (code === '28P01' || code === 'ER_ACCESS_DENIED_ERROR' || code === 'ER_ACCESS_DENIED_NO_PASSWORD_ERROR') {
    return new ConnectError('auth', `The server rejected the user "${t.user ?? ''}" or its password: check both.`);
  }
  if (code === '28000' || code === 'ER_HOST_NOT_PRIVILEGED') {
    return new ConnectError('auth', `The server does not let "${t.user ?? ''}" connect from this machine: ${firstLine(message)}.`);
  }
  if (code === '3D000' || code === 'ER_BAD_DB_ERROR') {
    return new ConnectError('database', `The database "${t.database ?? ''}" does not exist on ${where(t)}: check its name.`);
  }
  if (code === 'ER_DBACCESS_DENIED_ERROR') {
    // MySQL/MariaDB say "access denied" for a database that doesn't exist as well as for one the user may not use.
    return new ConnectError('database', `The database "${t.database ?? ''}" does not exist on ${where(t)}, or "${t.user ?? ''}" may not use it: check its name and the user's grants.`);
  }
  if (code === '42501') {
    return new ConnectError('auth', `The user "${t.user ?? ''}" may not use this: ${firstLine(message)}.`);
  }
  return new ConnectError('error', `${firstLine(message) || 'The connection failed'}.`);
}

/** A failure of the query itself (syntax, read-only refusal, time cap), as one sentence for the model. */
export function explainQuery(error: unknown, timeoutMs: number): string {
  if (error instanceof ConnectError) return error.message;
  const e = (error ?? {}) as DriverError;
  const code = String(e.code ?? '');
  const message = firstLine(String(e.message ?? error));
  if (code === '25006' || code === 'ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION' || /read-?only|readonly|query_only|not authorized/i.test(message)) {
    return `Refused: the query tried to change the database (${message}). query_datasource runs in a read-only transaction; use SELECT.`;
  }
  if (code === '57014' || code === 'ER_STATEMENT_TIMEOUT' || code === 'PROTOCOL_SEQUENCE_TIMEOUT' || /statement timeout|max_statement_time|interrupted/i.test(message)) {
    return `The query took longer than ${Math.round(timeoutMs / 1000)} s and was cancelled: add a filter or a LIMIT.`;
  }
  if (code === '42601' && /multiple commands|prepared statement/i.test(message)) {
    return 'Send one SQL statement per call (no ";"-separated lists).';
  }
  return `The query failed: ${message}.`;
}
