import type { ChildEnv } from '../process/child-env';
import { execa } from 'execa';
import type { Inventory } from './requirement-check';

/**
 * Test support (not used by the app, which reads site folders without running the venv:
 * `site-scan.ts`). What a venv's interpreter can import: every distribution on its `sys.path` (first one wins,
 * as for `import`), with version and `Requires-Dist`, plus the PEP 508 marker values. The
 * site-scan test checks its fast read against this answer.
 */
const SCRIPT = `
import json, os, platform, re, sys
from importlib import metadata
dists = {}
for d in metadata.distributions():
    try:
        name = d.metadata['Name']
    except Exception:
        name = None
    if not name:
        continue
    key = re.sub(r'[-_.]+', '-', name).lower()
    if key not in dists:
        dists[key] = {'version': d.version or '', 'requires': list(d.requires or [])}
impl = sys.implementation
iv = '%d.%d.%d' % impl.version[:3]
env = {
    'os_name': os.name, 'sys_platform': sys.platform, 'platform_machine': platform.machine(),
    'platform_python_implementation': platform.python_implementation(),
    'platform_release': platform.release(), 'platform_system': platform.system(),
    'python_version': '%d.%d' % sys.version_info[:2], 'python_full_version': platform.python_version(),
    'implementation_name': impl.name, 'implementation_version': iv,
}
print(json.dumps({'env': env, 'dists': dists}))
`;

export async function readInventory(python: string, env: ChildEnv, cwd?: string): Promise<Inventory | null> {
  const r = await execa(python, ['-I', '-c', SCRIPT], { reject: false, extendEnv: false, env, cwd, timeout: 20_000, stdin: 'ignore' });
  if (r.exitCode !== 0) return null;
  try {
    const parsed = JSON.parse(String(r.stdout)) as Inventory;
    return parsed && typeof parsed.dists === 'object' && typeof parsed.env === 'object' ? parsed : null;
  } catch {
    return null;
  }
}
