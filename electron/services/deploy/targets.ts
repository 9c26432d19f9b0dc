import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { KilnError } from '../../../shared/contract/core';
import type { DeployTarget, DeployTargetInput } from '../../../shared/contract/deploy';
import { deployCredentialAccount, deployCredentialKinds, type DeployCredentialKind } from '../../../shared/vault/accounts';
import { writeStateFile } from '../fs/state-file';
import type { DeploySecretsPort } from './ports';

/** A target as stored in `<userData>/deploy-targets.json`: no credential, only what is set. */
interface StoredTarget {
  id: string;
  name: string;
  kind: 'tcp' | 'ssh';
  address: string;
  baseImage: string;
  bindAddress: string;
  publicHost: string;
}

/** The built-in "Docker on this machine" target; its options are stored like the others. */
export const LOCAL_TARGET_ID = 'local';

interface TargetsFile {
  version: 1;
  local: Pick<StoredTarget, 'baseImage' | 'bindAddress' | 'publicHost'>;
  targets: StoredTarget[];
}

const emptyFile = (): TargetsFile => ({ version: 1, local: { baseImage: '', bindAddress: '', publicHost: '' }, targets: [] });

export function validateAddress(kind: 'tcp' | 'ssh', address: string): string {
  const a = address.trim();
  if (kind === 'tcp') {
    const m = /^(?:tcp:\/\/|https:\/\/)?([^/:\s]+|\[[0-9a-f:]+\]):(\d{1,5})\/?$/i.exec(a);
    if (!m) throw new KilnError('VALIDATION', `"${a}" is not a TLS Docker address. Write it as host:port, e.g. docker.example.com:2376.`);
    return `${m[1]}:${m[2]}`;
  }
  const m = /^(?:ssh:\/\/)?([A-Za-z0-9._-]+)@([^/:\s@]+)(?::(\d{1,5}))?\/?$/.exec(a);
  if (!m) throw new KilnError('VALIDATION', `"${a}" is not an SSH address. Write it as user@host or user@host:port.`);
  return `${m[1]}@${m[2]}${m[3] ? `:${m[3]}` : ''}`;
}

/**
 * Deploy targets: the built-in local engine plus the user's remote hosts. The file holds no
 * secret; TLS certificates and keys, the SSH key and its passphrase live in the keychain.
 */
export class DeployTargets {
  private cache: TargetsFile | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: { file: string; secrets: DeploySecretsPort }) {}

  private async read(): Promise<TargetsFile> {
    if (this.cache) return this.cache;
    try {
      const parsed = JSON.parse(await fs.readFile(this.deps.file, 'utf8')) as Partial<TargetsFile>;
      this.cache = { ...emptyFile(), ...parsed, targets: Array.isArray(parsed.targets) ? parsed.targets : [] };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        await fs.rename(this.deps.file, `${this.deps.file}.bak`).catch(() => undefined);
      }
      this.cache = emptyFile();
    }
    return this.cache;
  }

  private async write(file: TargetsFile): Promise<void> {
    await writeStateFile(this.deps.file, `${JSON.stringify(file, null, 2)}\n`);
    this.cache = file;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async credentials(id: string): Promise<DeployTarget['credentials']> {
    const out = {} as DeployTarget['credentials'];
    for (const kind of deployCredentialKinds) out[kind] = Boolean(await this.deps.secrets.get(deployCredentialAccount(id, kind)).catch(() => null));
    return out;
  }

  async list(): Promise<DeployTarget[]> {
    const file = await this.read();
    const local: DeployTarget = { id: LOCAL_TARGET_ID, name: 'Docker on this machine', kind: 'local', address: '', ...file.local, credentials: await this.credentials(LOCAL_TARGET_ID), builtIn: true };
    const rest = await Promise.all(file.targets.map(async (t) => ({ ...t, credentials: await this.credentials(t.id), builtIn: false })));
    return [local, ...rest];
  }

  async get(id: string): Promise<DeployTarget> {
    const found = (await this.list()).find((t) => t.id === id);
    if (!found) throw new KilnError('NOT_FOUND', `There is no deploy target "${id}". Choose one in Settings → Deploy.`);
    return found;
  }

  /** A credential's value, for connecting only. */
  credential(id: string, kind: DeployCredentialKind): Promise<string | null> {
    return this.deps.secrets.get(deployCredentialAccount(id, kind));
  }

  /** Saves the local target's options (its kind and address are fixed). */
  saveLocal(options: { baseImage?: string | undefined; bindAddress?: string | undefined; publicHost?: string | undefined }): Promise<DeployTarget> {
    return this.serial(async () => {
      const file = await this.read();
      const local = { ...file.local };
      if (options.baseImage !== undefined) local.baseImage = options.baseImage.trim();
      if (options.bindAddress !== undefined) local.bindAddress = options.bindAddress.trim();
      if (options.publicHost !== undefined) local.publicHost = options.publicHost.trim();
      await this.write({ ...file, local });
      return this.get(LOCAL_TARGET_ID);
    });
  }

  save(input: DeployTargetInput & { kind: 'tcp' | 'ssh' }): Promise<DeployTarget> {
    return this.serial(async () => {
      const file = await this.read();
      const address = validateAddress(input.kind, input.address ?? '');
      const id = input.id ?? `${input.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'host'}-${randomBytes(3).toString('hex')}`;
      if (id === LOCAL_TARGET_ID) throw new KilnError('VALIDATION', 'That id is reserved for Docker on this machine.');
      if (input.id && !file.targets.some((t) => t.id === input.id)) throw new KilnError('NOT_FOUND', `There is no deploy target "${input.id}".`);
      const clash = file.targets.find((t) => t.id !== id && t.name.toLowerCase() === input.name.trim().toLowerCase());
      if (clash) throw new KilnError('CONFLICT', `A target named "${clash.name}" already exists. Pick another name.`);
      for (const kind of deployCredentialKinds) {
        const value = input[kind];
        if (value === undefined) continue;
        const account = deployCredentialAccount(id, kind);
        if (value.trim() === '') await this.deps.secrets.delete(account);
        else await this.deps.secrets.set(account, value);
      }
      const stored: StoredTarget = {
        id,
        name: input.name.trim(),
        kind: input.kind,
        address,
        baseImage: input.baseImage?.trim() ?? '',
        bindAddress: input.bindAddress?.trim() ?? '',
        publicHost: input.publicHost?.trim() ?? '',
      };
      await this.write({ ...file, targets: [...file.targets.filter((t) => t.id !== id), stored] });
      return this.get(id);
    });
  }

  remove(id: string): Promise<void> {
    return this.serial(async () => {
      if (id === LOCAL_TARGET_ID) throw new KilnError('VALIDATION', 'Docker on this machine is built in and cannot be removed.');
      const file = await this.read();
      for (const kind of deployCredentialKinds) await this.deps.secrets.delete(deployCredentialAccount(id, kind));
      await this.write({ ...file, targets: file.targets.filter((t) => t.id !== id) });
    });
  }
}
