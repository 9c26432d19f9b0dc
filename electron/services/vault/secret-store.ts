import { AsyncEntry, findCredentialsAsync, type EntryOptions } from '@napi-rs/keyring';
import { KilnError } from '../../../shared/contract/core';
import { KeyedQueue } from '../concurrency/keyed-queue';
import { PROVIDER_API_KEY_ACCOUNT, PUBLISH_API_KEY_ACCOUNT, publishPasswordAccount } from '../../../shared/vault/accounts';

/**
 * Where secret values live. Implementations never write a value to disk in clear and never
 * fall back to a plaintext file: if the OS keychain is unavailable, every call fails.
 */
export interface SecretStore {
  get(account: string): Promise<string | null>;
  set(account: string, value: string): Promise<void>;
  /** Resolves true when a value was removed, false when there was none (or a cut-off first try already removed it). */
  delete(account: string): Promise<boolean>;
  has(account: string): Promise<boolean>;
  /** Accounts that hold a value (never the values). */
  accounts(): Promise<string[]>;
}

export const DEFAULT_KEYCHAIN_SERVICE = 'Kiln';

/** Keychain accounts Kiln uses itself, named once in shared/vault/accounts; datasource secrets are keyed by their `DS_*` env name. */
export const ACCOUNTS = {
  providerApiKey: PROVIDER_API_KEY_ACCOUNT,
  publishApiKey: PUBLISH_API_KEY_ACCOUNT,
  publishPassword: publishPasswordAccount,
} as const;

const MAX_ACCOUNT = 512;
/** Large enough for a service-account JSON or a private key; guards against runaway input. */
export const MAX_SECRET_BYTES = 256 * 1024;

export function keychainFixHint(platform: NodeJS.Platform = process.platform): string {
  if (platform === 'darwin') return 'Unlock the login keychain (Keychain Access) and try again.';
  if (platform === 'win32') return 'Make sure Windows Credential Manager is available for your user and try again.';
  return "Install and unlock a Secret Service such as gnome-keyring: on a desktop, log in to your session; on a server, see \"Linux without a desktop session\" in Kiln's README (apt-get install gnome-keyring dbus-x11, then start Kiln inside dbus-run-session after gnome-keyring-daemon --unlock). Then try again.";
}

export function keychainUnavailable(cause: unknown, platform: NodeJS.Platform = process.platform): KilnError {
  const detail = cause instanceof Error ? cause.message : String(cause);
  return new KilnError(
    'UNAVAILABLE',
    `The OS keychain is not available, so Kiln cannot read or store secrets. ${keychainFixHint(platform)}`,
    // The library's message names the failing store call, never a secret value.
    detail.slice(0, 500),
  );
}

function checkAccount(account: string): void {
  if (typeof account !== 'string' || account.length === 0 || account.length > MAX_ACCOUNT) {
    throw new KilnError('VALIDATION', 'A secret needs a name between 1 and 512 characters.');
  }
}

export function checkSecretValue(value: string): void {
  if (typeof value !== 'string') throw new KilnError('VALIDATION', 'A secret value must be text.');
  if (Buffer.byteLength(value, 'utf8') > MAX_SECRET_BYTES) {
    throw new KilnError('VALIDATION', `A secret value can be at most ${MAX_SECRET_BYTES / 1024} KB.`);
  }
}

/**
 * gnome-keyring has a known crash (GNOME gitlab, gnome-keyring work items 190, 196, 199): a call
 * in flight then ends with "Message recipient disconnected from message bus without replying"
 * (both of the library's D-Bus stacks say that), or, if a new daemon answered the rest of the
 * call, "The session wrapping the secret does not exist" (libdbus) or `Secret.Error.NoSession`
 * (zbus). Only those are tried again; a locked or missing keychain fails at once, so no unlock
 * prompt is shown twice.
 */
const KEYCHAIN_RETRY_WAITS_MS = [100, 400, 1500];

/** The keychain daemon went away while it had the call: worth one more try once D-Bus restarts it. */
export function isCutOff(error: unknown): boolean {
  const message = error instanceof Error ? error.message : String(error);
  // The last two: the call opened its session with the daemon that stopped, and the one D-Bus
  // started since does not know it.
  return /disconnected from message bus without replying|The session wrapping the secret does not exist|Secret\.Error\.NoSession/i.test(message);
}

export interface KeychainOptions {
  /** Keychain service name; `KILN_KEYCHAIN_SERVICE` in the environment wins for tests. */
  keychainService?: string;
  platform?: NodeJS.Platform;
}

/** The OS keychain through @napi-rs/keyring (same entries keytar would use). */
export class KeychainSecretStore implements SecretStore {
  readonly service: string;
  private readonly platform: NodeJS.Platform;
  private readonly entryOptions: EntryOptions;
  private readonly writes = new KeyedQueue();

  constructor(options: KeychainOptions = {}) {
    this.service = options.keychainService ?? DEFAULT_KEYCHAIN_SERVICE;
    this.platform = options.platform ?? process.platform;
    // Pin Linux to the Secret Service: the kernel keyring would silently lose secrets on reboot.
    this.entryOptions = { linux: { store: 'secret-service' } };
  }

  private entry(account: string): AsyncEntry {
    checkAccount(account);
    return new AsyncEntry(this.service, account, this.entryOptions);
  }

  /**
   * Every call is safe to repeat (a set writes the same value, a delete of a gone entry is a
   * no-op), so a call cut off by a keychain daemon that stopped is tried again: D-Bus starts
   * the daemon anew on the next call. Writes to one account run one at a time (`writes`), so a
   * repeated write can never land after a newer one.
   */
  private async guard<T>(op: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await op();
      } catch (error) {
        if (error instanceof KilnError) throw error;
        const wait = KEYCHAIN_RETRY_WAITS_MS[attempt];
        if (wait === undefined || !isCutOff(error)) throw keychainUnavailable(error, this.platform);
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  async get(account: string): Promise<string | null> {
    return this.guard(() => this.entry(account).getPassword());
  }

  async set(account: string, value: string): Promise<void> {
    checkSecretValue(value);
    // A fresh entry per try: one made before the daemon stopped holds a session that died with it.
    return this.writes.run(account, () => this.guard(() => this.entry(account).setPassword(value)));
  }

  async delete(account: string): Promise<boolean> {
    return this.writes.run(account, () => this.guard(() => this.entry(account).deletePassword()));
  }

  async has(account: string): Promise<boolean> {
    return (await this.get(account)) !== null;
  }

  async accounts(): Promise<string[]> {
    const found = await this.guard(() => findCredentialsAsync(this.service));
    return [...new Set(found.map((c) => c.account))].sort();
  }

  /** Every stored account with its value, for registering them with the scrubber at start. */
  async all(): Promise<{ account: string; value: string }[]> {
    const found = await this.guard(() => findCredentialsAsync(this.service));
    return found.map((c) => ({ account: c.account, value: c.password }));
  }
}
