import { promises as fs } from 'node:fs';
import { KilnError } from '../../../shared/contract/core';
import type { KeyOriginStatus } from '../../../shared/contract/key-origin';
import { PROVIDER_API_KEY_ACCOUNT, PUBLISH_API_KEY_ACCOUNT, type AppSecretAccount } from '../../../shared/vault/accounts';
import { KeyedQueue } from '../concurrency/keyed-queue';
import { toPrettyJson } from '../fs/atomic-write';
import { writeStateFile } from '../fs/state-file';

/**
 * The one home of "where may a stored app key go": per key (provider, publish), the origin
 * (`scheme://host:port`) the user confirmed it for, in `<userData>/key-origins.json` (no secret in
 * it; 0600 in a 0700 folder). A key is sent only to that origin; a changed URL in Settings or in
 * the environment (`OPENAI_BASE_URL`, `KILN_PUBLISH_URL`) waits for the user's Confirm.
 *
 * Setting a key in Settings confirms the origin in effect at that moment (the user typed the key
 * while seeing that URL). An install from before this file existed adopts the origins in effect
 * the first time it is read (trust on first use), so an upgrade locks nobody out; after that the
 * file exists and nothing is adopted again.
 */

/** `scheme://host[:port]` of an http(s) URL, lower-cased, default port dropped; null for anything else. */
export function originOf(url: string): string | null {
  try {
    const parsed = new URL(url.trim());
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : null;
  } catch {
    return null;
  }
}

const WORDING: Record<AppSecretAccount, { key: string; where: string }> = {
  [PROVIDER_API_KEY_ACCOUNT]: { key: 'provider API key', where: 'Settings → Provider' },
  [PUBLISH_API_KEY_ACCOUNT]: { key: 'publish API key', where: 'Settings → Publishing' },
};

type How = 'set' | 'confirmed' | 'adopted';
interface Entry {
  origin: string;
  at: string;
  how: How;
}
interface OriginsFile {
  version: 1;
  origins: Partial<Record<AppSecretAccount, Entry>>;
}
type Loaded = { state: 'missing' } | { state: 'ok'; data: OriginsFile } | { state: 'damaged' };

export interface KeyOriginsDeps {
  /** `<userData>/key-origins.json`. */
  file: string;
  /** Whether a key is stored (keychain or environment); may throw when the keychain is down. */
  secrets: { has(account: string): Promise<boolean> };
  /** The URL each key would be sent to now (settings, else the environment, else the default). */
  targets: Record<AppSecretAccount, () => string>;
  now?: () => Date;
}

function parse(text: string): OriginsFile | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  if (!raw || typeof raw !== 'object' || (raw as { version?: unknown }).version !== 1) return null;
  const origins = (raw as { origins?: unknown }).origins;
  if (!origins || typeof origins !== 'object' || Array.isArray(origins)) return null;
  const out: OriginsFile['origins'] = {};
  for (const account of Object.keys(WORDING) as AppSecretAccount[]) {
    const e = (origins as Record<string, unknown>)[account];
    if (e === undefined) continue;
    const origin = (e as { origin?: unknown } | null)?.origin;
    // An entry that is not a clean origin is damage, not a confirmation.
    if (typeof origin !== 'string' || originOf(origin) !== origin) return null;
    const at = (e as { at?: unknown }).at;
    const how = (e as { how?: unknown }).how;
    out[account] = { origin, at: typeof at === 'string' ? at : '', how: how === 'set' || how === 'adopted' ? how : 'confirmed' };
  }
  return { version: 1, origins: out };
}

export class KeyOrigins {
  private readonly queue = new KeyedQueue();
  private readonly now: () => Date;

  constructor(private readonly deps: KeyOriginsDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  private async load(): Promise<Loaded> {
    let text: string;
    try {
      text = await fs.readFile(this.deps.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'missing' };
      // Unreadable (a folder, no permission): the safe side is "nothing confirmed".
      return { state: 'damaged' };
    }
    const data = parse(text);
    return data ? { state: 'ok', data } : { state: 'damaged' };
  }

  private async write(data: OriginsFile): Promise<void> {
    await writeStateFile(this.deps.file, toPrettyJson(data));
  }

  private entry(origin: string, how: How): Entry {
    return { origin, at: this.now().toISOString(), how };
  }

  /**
   * The record, adopting once when there has never been one (an upgrade). A keychain that can't
   * be asked postpones the adoption rather than writing a record that would forget a key.
   */
  private current(): Promise<Loaded> {
    return this.queue.run('file', async () => {
      const loaded = await this.load();
      if (loaded.state !== 'missing') return loaded;
      const data: OriginsFile = { version: 1, origins: {} };
      for (const account of Object.keys(WORDING) as AppSecretAccount[]) {
        let has: boolean;
        try {
          has = await this.deps.secrets.has(account);
        } catch {
          return loaded;
        }
        const origin = originOf(this.deps.targets[account]());
        if (has && origin !== null) data.origins[account] = this.entry(origin, 'adopted');
      }
      await this.write(data);
      return { state: 'ok', data } satisfies Loaded;
    });
  }

  /** Records `origin` for the key; a damaged record is kept beside the new one, never overwritten. */
  private record(account: AppSecretAccount, origin: string | null, how: How): Promise<void> {
    return this.queue.run('file', async () => {
      const loaded = await this.load();
      if (loaded.state === 'damaged') {
        await fs.rename(this.deps.file, `${this.deps.file}.damaged-${this.now().getTime()}`).catch(() => undefined);
      }
      const data: OriginsFile = loaded.state === 'ok' ? loaded.data : { version: 1, origins: {} };
      if (origin === null) delete data.origins[account];
      else data.origins[account] = this.entry(origin, how);
      await this.write(data);
    });
  }

  /** Where the key may go and where it would go now, for Settings. */
  async status(account: AppSecretAccount): Promise<KeyOriginStatus> {
    const loaded = await this.current();
    const keySet = await this.deps.secrets.has(account).catch(() => false);
    const currentOrigin = originOf(this.deps.targets[account]());
    const confirmedOrigin = loaded.state === 'ok' ? (loaded.data.origins[account]?.origin ?? null) : null;
    return {
      keySet,
      currentOrigin,
      confirmedOrigin,
      needsConfirm: keySet && currentOrigin !== null && currentOrigin !== confirmedOrigin,
      recordDamaged: loaded.state === 'damaged',
    };
  }

  /**
   * Throws unless the key may go to `url`. Call it right before sending a stored key, with the
   * URL it is about to be sent to.
   */
  async check(account: AppSecretAccount, url: string): Promise<void> {
    const { key, where } = WORDING[account];
    const origin = originOf(url);
    if (origin === null) {
      throw new KilnError('VALIDATION', `"${url.slice(0, 200)}" is not an http:// or https:// address, so Kiln did not send your ${key}. Fix it in ${where}.`);
    }
    const loaded = await this.current();
    const confirmed = loaded.state === 'ok' ? (loaded.data.origins[account]?.origin ?? null) : null;
    if (confirmed === origin) return;
    const before =
      loaded.state === 'damaged'
        ? `Kiln could not read where your ${key} may be sent (key-origins.json is damaged)`
        : confirmed
          ? `Your ${key} was confirmed for ${confirmed}, not for ${origin}`
          : `Your ${key} has not been confirmed for ${origin}`;
    throw new KilnError(
      'FORBIDDEN',
      `${before}, so Kiln did not send it there. If you trust ${origin}, confirm it in ${where}.`,
      undefined,
      'origin-unconfirmed',
    );
  }

  /** The user confirmed the key may go to `seen`; refused when the address changed meanwhile. */
  async confirm(account: AppSecretAccount, seen: string): Promise<KeyOriginStatus> {
    const current = originOf(this.deps.targets[account]());
    if (current === null) throw new KilnError('VALIDATION', `The address in ${WORDING[account].where} is not an http:// or https:// URL. Fix it first.`);
    if (originOf(seen) !== current) {
      throw new KilnError('CONFLICT', `The address changed to ${current} while you were deciding. Look at it again, then confirm.`);
    }
    await this.current();
    await this.record(account, current, 'confirmed');
    return this.status(account);
  }

  /** A key was just set in Settings: the origin on screen is the one the user meant. */
  async keySet(account: AppSecretAccount): Promise<void> {
    await this.current();
    await this.record(account, originOf(this.deps.targets[account]()), 'set');
  }

  /** A key was cleared: its confirmation goes with it. */
  async keyCleared(account: AppSecretAccount): Promise<void> {
    await this.current();
    await this.record(account, null, 'set');
  }
}
