import type Docker from 'dockerode';
import { KilnError } from '../../../shared/contract/core';
import type { DeployTarget } from '../../../shared/contract/deploy';
import type { DeployCredentialKind } from '../../../shared/vault/accounts';

export interface EngineConnection {
  docker: Docker;
  /** Where it connects, for messages (never a credential). */
  where: string;
  /** Host name for the app's URL. */
  urlHost: string;
}

type Credential = (kind: DeployCredentialKind) => Promise<string | null>;

const DEFAULT_SOCKET = '/var/run/docker.sock';

function fromDockerHost(value: string): { options: Docker.DockerOptions; where: string; urlHost: string } {
  if (value.startsWith('unix://')) return { options: { socketPath: value.slice('unix://'.length) }, where: value, urlHost: 'localhost' };
  if (value.startsWith('/')) return { options: { socketPath: value }, where: value, urlHost: 'localhost' };
  const url = new URL(value.replace(/^tcp:/, 'http:'));
  if (url.protocol === 'ssh:') {
    return { options: { protocol: 'ssh', host: url.hostname, port: Number(url.port || 22), username: url.username || undefined } as Docker.DockerOptions, where: value, urlHost: url.hostname };
  }
  return { options: { protocol: 'http', host: url.hostname, port: Number(url.port || 2375) }, where: value, urlHost: url.hostname };
}

/** A dockerode client for the target: the local socket (or DOCKER_HOST), TLS over TCP, or SSH. */
export async function connect(target: DeployTarget, credential: Credential, env: NodeJS.ProcessEnv): Promise<EngineConnection> {
  // Loaded on the first deploy, so a host that never deploys doesn't carry dockerode and ssh2.
  const { default: Docker } = await import('dockerode');
  if (target.kind === 'local') {
    const dockerHost = env.DOCKER_HOST?.trim();
    const { options, where, urlHost } = dockerHost ? fromDockerHost(dockerHost) : { options: { socketPath: DEFAULT_SOCKET }, where: DEFAULT_SOCKET, urlHost: 'localhost' };
    return { docker: new Docker(options), where, urlHost: target.publicHost || urlHost };
  }
  if (target.kind === 'tcp') {
    const [host, port] = splitHostPort(target.address, 2376);
    const [ca, cert, key] = await Promise.all([credential('tlsCa'), credential('tlsCert'), credential('tlsKey')]);
    if (!cert || !key) {
      throw new KilnError('VALIDATION', `The target "${target.name}" has no TLS client certificate and key. Add them in Settings → Deploy (see docs/deploy.md for how to make them).`);
    }
    const options: Docker.DockerOptions = { protocol: 'https', host, port, cert, key, ...(ca ? { ca } : {}) };
    return { docker: new Docker(options), where: `tcp://${host}:${port}`, urlHost: target.publicHost || host };
  }
  const m = /^([^@]+)@([^:]+)(?::(\d+))?$/.exec(target.address);
  if (!m) throw new KilnError('VALIDATION', `The target "${target.name}" has an invalid SSH address. Write it as user@host.`);
  const [privateKey, passphrase] = await Promise.all([credential('sshKey'), credential('sshPassphrase')]);
  const sshOptions: Record<string, unknown> = { readyTimeout: 15_000 };
  if (privateKey) sshOptions.privateKey = privateKey;
  if (passphrase) sshOptions.passphrase = passphrase;
  if (env.SSH_AUTH_SOCK) sshOptions.agent = env.SSH_AUTH_SOCK;
  // docker-modem's ssh transport runs `docker system dial-stdio` on the host (the Docker CLI there).
  const options = { protocol: 'ssh', host: m[2]!, port: Number(m[3] ?? 22), username: m[1]!, sshOptions } as Docker.DockerOptions;
  return { docker: new Docker(options), where: `ssh://${m[1]}@${m[2]}${m[3] ? `:${m[3]}` : ''}`, urlHost: target.publicHost || m[2]! };
}

function splitHostPort(address: string, fallback: number): [string, number] {
  const i = address.lastIndexOf(':');
  if (i < 0) return [address, fallback];
  return [address.slice(0, i).replace(/^\[|\]$/g, ''), Number(address.slice(i + 1))];
}

/** An engine error as a sentence that says how to fix it. */
export function engineError(target: DeployTarget, where: string, error: unknown): KilnError {
  if (error instanceof KilnError) return error;
  const e = error as NodeJS.ErrnoException & { statusCode?: number; json?: { message?: string } };
  const raw = e?.json?.message ?? e?.message ?? String(error);
  const code = e?.code ?? '';
  if (target.kind === 'local' && (code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'EACCES')) {
    const perm = code === 'EACCES' ? ` You are not allowed to use ${where}: add your user to the "docker" group (then log in again) or point DOCKER_HOST at an engine you may use.` : '';
    return new KilnError(
      'UNAVAILABLE',
      `No Docker Engine answers at ${where}.${perm || ' Start Docker (Docker Desktop, or "sudo systemctl start docker" on Linux), or set DOCKER_HOST to your engine, then try again.'}`,
      raw,
    );
  }
  if (target.kind === 'tcp' && /PEM|certificate|private key|key values mismatch|asn1|DECODER/i.test(raw) && !/self[- ]signed|verify/i.test(raw)) {
    return new KilnError('VALIDATION', `The TLS certificate or key of "${target.name}" can't be used. Paste the client certificate, its key and the CA again (PEM text) in Settings → Deploy.`, raw);
  }
  if (target.kind === 'tcp' && /self[- ]signed|unable to verify|certificate|altnames|CERT_/i.test(raw + code)) {
    return new KilnError('UNAVAILABLE', `The Docker Engine of "${target.name}" at ${where} presented a certificate Kiln can't trust with the CA you gave. Check that the CA in Settings → Deploy signed the server's certificate and that it names this host.`, raw);
  }
  if (['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN'].includes(code) || /timed out|handshake|authentication|All configured authentication methods failed/i.test(raw)) {
    const hint =
      target.kind === 'ssh'
        ? 'Check that you can run "ssh ' + target.address + ' docker version", that the key (and its passphrase) in Settings → Deploy is right, and that the host is on.'
        : 'Check the address and port, that the engine listens with TLS (dockerd --tlsverify), that a firewall lets you through, and that the certificates in Settings → Deploy belong to this host.';
    return new KilnError('UNAVAILABLE', `Kiln can't reach the Docker Engine of "${target.name}" at ${where}. ${hint}`, raw);
  }
  return new KilnError('EXTERNAL', `The Docker Engine of "${target.name}" refused the request: ${raw}`, raw);
}

/** Pings the engine; the clear error when it can't be reached. */
export async function ping(conn: EngineConnection, target: DeployTarget): Promise<void> {
  try {
    await withTimeout(conn.docker.ping(), 20_000, 'timed out');
  } catch (error) {
    throw engineError(target, conn.where, error);
  }
}

export function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(Object.assign(new Error(message), { code: 'ETIMEDOUT' })), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
