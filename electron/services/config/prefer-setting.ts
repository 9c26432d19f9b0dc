/**
 * The one rule for "a setting wins unless empty, then the environment": a setting that is blank
 * (or still the stock default, which the settings file stores when the user never changed it)
 * gives way to the start-up environment variable; when that is blank too, the default applies.
 * Values are trimmed. Used for the Python interpreter (`KILN_PYTHON`), the publish URL
 * (`KILN_PUBLISH_URL`), the provider base URL and model (`OPENAI_BASE_URL`, `KILN_MODEL`), a deploy
 * target's base image (`KILN_DEPLOY_BASE_IMAGE`).
 */
export type SettingSource = 'setting' | 'env' | 'default';

export interface Preferred {
  value: string;
  source: SettingSource;
}

export function preferSetting(setting: string | null | undefined, fromEnv: string | null | undefined, fallback = ''): Preferred {
  const s = setting?.trim() ?? '';
  if (s !== '' && s !== fallback) return { value: s, source: 'setting' };
  const e = fromEnv?.trim() ?? '';
  if (e !== '') return { value: e, source: 'env' };
  return { value: fallback, source: 'default' };
}

/** Just the value of `preferSetting`. */
export function settingOrEnv(setting: string | null | undefined, fromEnv: string | null | undefined, fallback = ''): string {
  return preferSetting(setting, fromEnv, fallback).value;
}
