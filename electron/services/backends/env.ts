/** anton's env prefix of a datasource: `DS_` + its slug uppercased, non-word chars → `_`. */
export function dsPrefix(ds: { engine: string; name: string }): string {
  return `DS_${`${ds.engine}-${ds.name}`.toUpperCase().replace(/\W/g, '_')}`;
}

/**
 * A backend's whole environment: a minimal base plus exactly the `DS_*` variables of the
 * datasources the artifact declares. Nothing else from Kiln's environment (model keys,
 * tokens, other datasources) reaches it; variables the vault hands over for undeclared
 * datasources are dropped here as well.
 */
export function backendEnv(
  hostEnv: NodeJS.ProcessEnv,
  declared: readonly { engine: string; name: string }[],
  dsVars: Record<string, string>,
  platform: NodeJS.Platform = process.platform,
): Record<string, string> {
  const env: Record<string, string> = {
    PATH: hostEnv.PATH ?? hostEnv.Path ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: hostEnv.HOME ?? hostEnv.USERPROFILE ?? '',
    LANG: hostEnv.LANG ?? 'C.UTF-8',
    PYTHONUNBUFFERED: '1',
    PYTHONUTF8: '1',
  };
  if (platform === 'win32' && hostEnv.SYSTEMROOT) env.SYSTEMROOT = hostEnv.SYSTEMROOT;
  const prefixes = declared.map((d) => `${dsPrefix(d)}__`);
  for (const [k, v] of Object.entries(dsVars)) {
    if (prefixes.some((p) => k.startsWith(p))) env[k] = v;
  }
  return env;
}
