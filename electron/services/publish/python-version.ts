import { majorMinor, probeVersion } from '../python/interpreter';

/** `major.minor` of an interpreter (the `python_version` of a fullstack publish), or null. */
export async function pythonMajorMinor(python: string): Promise<string | null> {
  const version = await probeVersion(python);
  return version === null ? null : majorMinor(version);
}
