import { settingOrEnv } from '../config/prefer-setting';
import type { ProviderSettings } from './ports';

export const DEFAULT_PROVIDER_BASE_URL = 'https://api.openai.com/v1';

/**
 * Which endpoint, model and key a turn uses. Settings win; when they are empty (or still the
 * stock OpenAI URL) the start-up environment fills in — `OPENAI_BASE_URL`, `KILN_MODEL` — so a
 * headless web host can be pointed at a server without touching settings.json.
 */
export function resolveProvider(
  settings: { baseUrl: string; model: string },
  env: NodeJS.ProcessEnv,
  apiKey: string | null,
): ProviderSettings {
  const baseUrl = settingOrEnv(settings.baseUrl, env.OPENAI_BASE_URL, DEFAULT_PROVIDER_BASE_URL);
  const model = settingOrEnv(settings.model, env.KILN_MODEL);
  return { baseUrl, model, apiKey: apiKey ?? '' };
}
