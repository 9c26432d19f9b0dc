import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { KilnError } from '../../../shared/contract/core';
import { Emitter, type Disposable } from '../../../shared/lib/emitter';
import type {
  DatasourceCreate,
  DatasourceUpdate,
  DatasourceView,
  ImportPreview,
  ImportResult,
} from '../../../shared/contract/vault';
import {
  datasourceSlug,
  engineSpec,
  envPrefix,
  envVarName,
  isExportedField,
  isSecretField,
  movedTargetFields,
} from '../../../shared/vault/catalog';
import { datasourceSecretAccount } from '../../../shared/vault/accounts';
import { scanAntonVault, type AntonRecord } from './anton-import';
import { readDatasources, writeDatasources, type StoredDatasource } from './datasource-file';
import { checkFieldValue, checkKnownField, missingRequired } from './field-rules';
import type { SecretStore } from './secret-store';

export interface VaultOptions {
  workspaceDir: () => string;
  secrets: SecretStore;
  /** anton's vault folder; default `~/.anton/data_vault` (tests point it elsewhere). */
  antonVaultDir?: () => string;
  now?: () => Date;
}

export function defaultAntonVaultDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.KILN_ANTON_VAULT_DIR || path.join(os.homedir(), '.anton', 'data_vault');
}

function slugOf(d: { engine: string; name: string }): string {
  return datasourceSlug(d.engine, d.name);
}

function toView(d: StoredDatasource): DatasourceView {
  const secrets: Record<string, boolean> = {};
  for (const f of engineSpec(d.engine)?.fields ?? []) if (f.secret) secrets[f.name] = false;
  for (const f of d.secretFields) secrets[f] = true;
  const envNames = [...Object.keys(d.fields), ...d.secretFields]
    .filter(isExportedField)
    .map((f) => envVarName(d.engine, d.name, f))
    .sort();
  return {
    slug: slugOf(d),
    engine: d.engine,
    name: d.name,
    label: d.label,
    fields: { ...d.fields },
    secrets,
    envNames,
    envPrefix: envPrefix(d.engine, d.name),
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
    connection: d.connection ? { ...d.connection } : { state: 'untested' },
  };
}

/**
 * A stored secret goes to a new address only when the user types it again (docs/security.md,
 * point 6): the form asks for it, and this refuses a save that would carry it over silently.
 */
function refuseSecretsToNewAddress(current: StoredDatasource, nextFields: Record<string, string>, kept: string[]): void {
  const moved = movedTargetFields(current.fields, { ...Object.fromEntries(Object.keys(current.fields).map((k) => [k, null])), ...nextFields });
  if (moved.length === 0 || kept.length === 0) return;
  throw new KilnError(
    'VALIDATION',
    `You changed where this datasource connects (${moved.join(', ')}), so Kiln will not send the stored ${kept.join(' and ')} there: type ${kept.length > 1 ? 'them' : 'it'} again, or clear ${kept.length > 1 ? 'them' : 'it'}.`,
    undefined,
    'origin-unconfirmed',
  );
}

/**
 * Datasources: non-secret fields in `<ws>/.kiln/datasources.json`, secret fields in the
 * keychain under their `DS_*` env name. Mutations are serialized so concurrent calls can't
 * lose each other's writes.
 */
export class VaultService {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly now: () => Date;
  private readonly changed = new Emitter<DatasourceView[]>();

  constructor(private readonly options: VaultOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** The datasource list after every change (created, updated, deleted, imported). */
  onChanged(listener: (list: DatasourceView[]) => void): Disposable {
    return this.changed.on(listener);
  }

  private serial<T>(op: () => Promise<T>): Promise<T> {
    const next = this.queue.then(op, op);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private read(): Promise<StoredDatasource[]> {
    return readDatasources(this.options.workspaceDir());
  }

  private async commit(list: StoredDatasource[]): Promise<void> {
    await writeDatasources(this.options.workspaceDir(), list);
    this.changed.fire(list.map(toView));
  }

  private notFound(slug: string): KilnError {
    return new KilnError('NOT_FOUND', `There is no datasource "${slug}". Add it in Settings → Datasources, or remove it from the artifact.`);
  }

  private checkLabel(list: StoredDatasource[], label: string, exceptSlug?: string): void {
    const wanted = label.trim().toLowerCase();
    const clash = list.find((d) => d.label.trim().toLowerCase() === wanted && slugOf(d) !== exceptSlug);
    if (clash) throw new KilnError('CONFLICT', `A datasource named "${clash.label}" already exists. Pick another name.`);
  }

  async list(): Promise<DatasourceView[]> {
    const list = await this.read();
    return list.map(toView).sort((a, b) => a.label.localeCompare(b.label));
  }

  async get(slug: string): Promise<DatasourceView> {
    const found = (await this.read()).find((d) => slugOf(d) === slug);
    if (!found) throw this.notFound(slug);
    return toView(found);
  }

  async exists(slug: string): Promise<boolean> {
    return (await this.read()).some((d) => slugOf(d) === slug);
  }

  create(input: DatasourceCreate): Promise<DatasourceView> {
    return this.serial(async () => {
      const list = await this.read();
      const label = input.label.trim();
      this.checkLabel(list, label);
      const spec = engineSpec(input.engine);
      // Free-form engines may mark more fields secret than the name heuristic finds (anton's secure_keys).
      const explicit = new Set(spec && !spec.freeForm ? [] : (input.secret ?? []));
      const plain: Record<string, string> = {};
      const secret: Record<string, string> = {};
      for (const f of spec?.fields ?? []) if (f.defaultValue !== undefined && !f.secret) plain[f.name] = f.defaultValue;
      for (const [field, value] of Object.entries(input.fields)) {
        checkKnownField(spec, field);
        if (value === '') continue;
        checkFieldValue(input.engine, field, value);
        if (isSecretField(input.engine, field) || explicit.has(field)) secret[field] = value;
        else plain[field] = value.trim();
      }
      const missing = missingRequired(input.engine, plain, new Set(Object.keys(secret)));
      if (missing.length > 0) throw new KilnError('VALIDATION', `Fill in: ${missing.join(', ')}.`);

      let name = randomBytes(4).toString('hex');
      while (list.some((d) => slugOf(d) === datasourceSlug(input.engine, name))) name = randomBytes(4).toString('hex');
      const stamp = this.now().toISOString();
      const record: StoredDatasource = {
        engine: input.engine,
        name,
        label,
        fields: plain,
        secretFields: Object.keys(secret).sort(),
        createdAt: stamp,
        updatedAt: stamp,
      };
      await this.storeSecrets(record, secret);
      await this.commit([...list, record]);
      return toView(record);
    });
  }

  /** Writes secrets to the keychain; on failure removes the ones this call wrote. */
  private async storeSecrets(record: { engine: string; name: string }, secret: Record<string, string>): Promise<void> {
    const written: string[] = [];
    try {
      for (const [field, value] of Object.entries(secret)) {
        const account = datasourceSecretAccount(record.engine, record.name, field);
        await this.options.secrets.set(account, value);
        written.push(account);
      }
    } catch (error) {
      for (const account of written) await this.options.secrets.delete(account).catch(() => false);
      throw error;
    }
  }

  update(input: DatasourceUpdate): Promise<DatasourceView> {
    return this.serial(async () => {
      const list = await this.read();
      const index = list.findIndex((d) => slugOf(d) === input.slug);
      const current = list[index];
      if (!current) throw this.notFound(input.slug);
      const next: StoredDatasource = { ...current, fields: { ...current.fields }, secretFields: [...current.secretFields] };
      if (input.label !== undefined) {
        this.checkLabel(list, input.label, input.slug);
        next.label = input.label.trim();
      }
      const spec = engineSpec(current.engine);
      const explicit = new Set(spec && !spec.freeForm ? [] : (input.secret ?? []));
      const setSecrets: Record<string, string> = {};
      const clearSecrets: string[] = [];
      const secretsNow = new Set(next.secretFields);
      for (const [field, value] of Object.entries(input.fields ?? {})) {
        // An imported record may carry fields the catalog form doesn't show; they stay editable.
        if (!(field in current.fields) && !current.secretFields.includes(field)) checkKnownField(spec, field);
        // Once secret, always secret: an imported `secure_keys` field may not match the heuristic.
        const isSecret = current.secretFields.includes(field) || isSecretField(current.engine, field) || explicit.has(field);
        if (value === null || value === '') {
          if (isSecret) {
            clearSecrets.push(field);
            secretsNow.delete(field);
          } else delete next.fields[field];
          continue;
        }
        checkFieldValue(current.engine, field, value);
        if (isSecret) {
          setSecrets[field] = value;
          secretsNow.add(field);
          delete next.fields[field];
        } else next.fields[field] = value.trim();
      }
      const missing = missingRequired(current.engine, next.fields, secretsNow);
      if (missing.length > 0) throw new KilnError('VALIDATION', `These fields can't be empty: ${missing.join(', ')}.`);
      refuseSecretsToNewAddress(current, next.fields, [...secretsNow].filter((f) => !(f in setSecrets)));
      next.secretFields = [...secretsNow].sort();
      next.updatedAt = this.now().toISOString();
      // A test of the old values says nothing about the new ones.
      if (Object.keys(input.fields ?? {}).length > 0) delete next.connection;

      await this.storeSecrets(current, setSecrets);
      for (const field of clearSecrets) await this.options.secrets.delete(datasourceSecretAccount(current.engine, current.name, field));
      const updated = [...list];
      updated[index] = next;
      await this.commit(updated);
      return toView(next);
    });
  }

  delete(slug: string): Promise<{ deleted: true }> {
    return this.serial(async () => {
      const list = await this.read();
      const found = list.find((d) => slugOf(d) === slug);
      if (!found) throw this.notFound(slug);
      // Secrets first: if the keychain is unavailable nothing changes and the user can retry.
      const prefix = `${envPrefix(found.engine, found.name)}__`;
      const accounts = new Set(found.secretFields.map((f) => datasourceSecretAccount(found.engine, found.name, f)));
      for (const account of await this.options.secrets.accounts()) if (account.startsWith(prefix)) accounts.add(account);
      for (const account of accounts) await this.options.secrets.delete(account);
      await this.commit(list.filter((d) => d !== found));
      return { deleted: true as const };
    });
  }

  /**
   * Exactly the `DS_*` variables of the given datasources (secret and non-secret, no
   * `_`-fields) for a backend or the scratchpad. Nothing else from the vault.
   */
  async envFor(slugs: string[]): Promise<Record<string, string>> {
    const list = await this.read();
    const env: Record<string, string> = {};
    for (const slug of new Set(slugs)) {
      const d = list.find((x) => slugOf(x) === slug);
      if (!d) throw this.notFound(slug);
      for (const [field, value] of Object.entries(d.fields)) {
        if (isExportedField(field)) env[envVarName(d.engine, d.name, field)] = value;
      }
      for (const field of d.secretFields) {
        if (!isExportedField(field)) continue;
        const name = envVarName(d.engine, d.name, field);
        const value = await this.options.secrets.get(datasourceSecretAccount(d.engine, d.name, field));
        if (value !== null) env[name] = value;
      }
    }
    return env;
  }

  /**
   * Every field of one datasource, secrets included, for a connector that hands them straight
   * to its driver in main (Test connection, the agent's describe/query). Never leaves main.
   */
  async connectionConfig(slug: string): Promise<{ engine: string; fields: Record<string, string>; secretFields: string[] }> {
    const d = (await this.read()).find((x) => slugOf(x) === slug);
    if (!d) throw this.notFound(slug);
    const fields: Record<string, string> = { ...d.fields };
    for (const field of d.secretFields) {
      const value = await this.options.secrets.get(datasourceSecretAccount(d.engine, d.name, field));
      if (value !== null) fields[field] = value;
    }
    return { engine: d.engine, fields, secretFields: [...d.secretFields] };
  }

  /** Stores the outcome of a connection test (a scrubbed sentence, never a secret) and announces it. */
  recordConnection(slug: string, connection: NonNullable<StoredDatasource['connection']>): Promise<void> {
    return this.serial(async () => {
      const list = await this.read();
      const index = list.findIndex((d) => slugOf(d) === slug);
      if (index < 0) return; // deleted while it was being tested
      const updated = [...list];
      updated[index] = { ...list[index]!, connection };
      await this.commit(updated);
    });
  }

  /** Variable names only, for the agent's system prompt. */
  async envNames(slug: string): Promise<string[]> {
    return (await this.get(slug)).envNames;
  }

  private antonDir(): string {
    return this.options.antonVaultDir?.() ?? defaultAntonVaultDir();
  }

  async importPreview(): Promise<ImportPreview> {
    const dir = this.antonDir();
    const existing = new Set((await this.read()).map(slugOf));
    const scan = await scanAntonVault(dir, existing);
    return {
      dir,
      found: scan.found,
      items: scan.records.map((r) => ({
        file: r.file,
        slug: r.slug,
        engine: r.engine,
        name: r.name,
        label: r.label,
        fields: Object.keys(r.plain).sort(),
        secretFields: Object.keys(r.secret).sort(),
        status: r.status,
        ...(r.problem ? { problem: r.problem } : {}),
      })),
    };
  }

  /** Re-reads anton's files (never trusts the preview) and imports the chosen slugs. */
  importConfirm(slugs: string[]): Promise<ImportResult> {
    return this.serial(async () => {
      const list = await this.read();
      const scan = await scanAntonVault(this.antonDir(), new Set(list.map(slugOf)));
      const bySlug = new Map<string, AntonRecord>(scan.records.map((r) => [r.slug, r]));
      const imported: StoredDatasource[] = [];
      const skipped: { slug: string; reason: string }[] = [];
      const labels = new Set(list.map((d) => d.label.trim().toLowerCase()));
      for (const slug of new Set(slugs)) {
        const record = bySlug.get(slug);
        if (!record) {
          skipped.push({ slug, reason: 'not found in the anton vault' });
          continue;
        }
        if (record.status !== 'new') {
          skipped.push({ slug, reason: record.status === 'exists' ? 'already in Kiln' : record.problem ?? 'unreadable' });
          continue;
        }
        let label = record.label;
        for (let n = 2; labels.has(label.toLowerCase()); n++) label = `${record.label} (${n})`;
        labels.add(label.toLowerCase());
        const stamp = this.now().toISOString();
        const stored: StoredDatasource = {
          engine: record.engine,
          name: record.name,
          label,
          fields: record.plain,
          secretFields: Object.keys(record.secret).sort(),
          createdAt: stamp,
          updatedAt: stamp,
        };
        await this.storeSecrets(stored, record.secret);
        imported.push(stored);
      }
      if (imported.length > 0) await this.commit([...list, ...imported]);
      return { imported: imported.map(toView), skipped };
    });
  }
}
