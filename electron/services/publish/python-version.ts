import { execa } from 'execa';

/** `major.minor` of an interpreter (the `python_version` of a fullstack publish), or null. */
export async function pythonMajorMinor(python: string): Promise<string | null> {
  try {
    const r = await execa(python, ['-c', "import sys; print('%d.%d' % sys.version_info[:2])"], {
      timeout: 10_000,
      reject: false,
      extendEnv: false,
      env: { PATH: process.env.PATH ?? '' },
    });
    const v = r.exitCode === 0 ? String(r.stdout).trim() : '';
    return /^\d+\.\d+$/.test(v) ? v : null;
  } catch {
    return null;
  }
}
