import { describe, expect, it } from 'vitest';
import { datasourceUpdateSchema } from '../contract/vault';
import { APP_SECRET_ENV, appSecretAccounts, datasourceSecretAccount, isAppSecretAccount, publishPasswordAccount, publishPasswordArtifactId } from './accounts';
import { datasourceSlug, DS_SLUG_RE, envPrefix, envVarName } from './catalog';

describe('datasource naming (anton-format §3), defined once in the catalog', () => {
  it('slug is <engine>-<name>; prefix is DS_ + uppercased slug with non-word characters as _', () => {
    expect(datasourceSlug('postgres', '7e8971c3')).toBe('postgres-7e8971c3');
    expect(envPrefix('postgres', '7e8971c3')).toBe('DS_POSTGRES_7E8971C3');
    expect(envPrefix('rest-api', 'sales.v2')).toBe('DS_REST_API_SALES_V2');
    expect(envVarName('postgres', '7e8971c3', 'password')).toBe('DS_POSTGRES_7E8971C3__PASSWORD');
    expect(envVarName('bigquery', 'ab12cd34', 'service_account_json')).toBe('DS_BIGQUERY_AB12CD34__SERVICE_ACCOUNT_JSON');
  });

  it('the contract takes exactly the slugs the catalog forms', () => {
    for (const [engine, name] of [['postgres', '7e8971c3'], ['rest-api', 'a.b'], ['my_engine', 'Prod-DB']]) {
      const slug = datasourceSlug(engine!, name!);
      expect(DS_SLUG_RE.test(slug), slug).toBe(true);
      expect(datasourceUpdateSchema.safeParse({ slug }).success, slug).toBe(true);
    }
    for (const bad of ['postgres', '-x', 'Postgres-x', 'pg-', 'pg-.x', 'pg-x/y']) {
      expect(DS_SLUG_RE.test(bad), bad).toBe(false);
      expect(datasourceUpdateSchema.safeParse({ slug: bad }).success, bad).toBe(false);
    }
  });
});

describe('keychain account names, defined once', () => {
  it('names the app secrets and their environment stand-ins', () => {
    expect(appSecretAccounts).toEqual(['provider.apiKey', 'publish.apiKey']);
    expect(APP_SECRET_ENV).toEqual({ 'provider.apiKey': 'OPENAI_API_KEY', 'publish.apiKey': 'KILN_PUBLISH_API_KEY' });
    expect(isAppSecretAccount('provider.apiKey')).toBe(true);
    expect(isAppSecretAccount('publish.password.x')).toBe(false);
  });

  it('publish passwords by artifact id, datasource secrets by their DS_* name', () => {
    const account = publishPasswordAccount('a1b2c3d4');
    expect(account).toBe('publish.password.a1b2c3d4');
    expect(publishPasswordArtifactId(account)).toBe('a1b2c3d4');
    expect(publishPasswordArtifactId('provider.apiKey')).toBeNull();
    expect(datasourceSecretAccount('postgres', '7e8971c3', 'password')).toBe(envVarName('postgres', '7e8971c3', 'password'));
  });
});
