import path from 'node:path';
import { PROVIDER_API_KEY_ACCOUNT, PUBLISH_API_KEY_ACCOUNT } from '../../../shared/vault/accounts';
import { KeyOrigins } from './key-origins';

/** The record of confirmed key origins for the composition root: `<userData>/key-origins.json`. */
export function createKeyOrigins(o: {
  userData: string;
  secrets: { has(account: string): Promise<boolean> };
  /** The provider base URL in effect (settings, else `OPENAI_BASE_URL`, else OpenAI's). */
  providerUrl: () => string;
  /** The publish URL in effect (settings, else `KILN_PUBLISH_URL`, else the default). */
  publishUrl: () => string;
}): KeyOrigins {
  return new KeyOrigins({
    file: path.join(o.userData, 'key-origins.json'),
    secrets: o.secrets,
    targets: { [PROVIDER_API_KEY_ACCOUNT]: o.providerUrl, [PUBLISH_API_KEY_ACCOUNT]: o.publishUrl },
  });
}
