import { evaluateMarker, type MarkerEnv } from './markers';
import { satisfiesSpecifiers } from './pep440';

/**
 * "Do the packages this venv can already import satisfy requirements.txt?" — checked by name,
 * version specifiers, extras and markers against the venv's installed distributions (its own
 * and, with system site packages, the base interpreter's). When every line is satisfied, the
 * launch skips pip entirely; otherwise only the lines that aren't go to the installer.
 * Transitive dependencies are the installer's business, as with `pip install` of an
 * already-installed package.
 */

export interface InstalledDist {
  version: string;
  /** `Requires-Dist` lines, for extras (`uvicorn[standard]`). */
  requires: string[];
}

export interface Inventory {
  env: MarkerEnv;
  /** By normalised name (PEP 503). */
  dists: Record<string, InstalledDist>;
}

export interface Requirement {
  name: string;
  extras: string[];
  specifiers: string;
  marker: string | null;
}

export const normaliseName = (name: string): string => name.toLowerCase().replace(/[-_.]+/g, '-');

const REQ_RE = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(?:\[([^\]]*)\])?\s*(\(?[^;@]*?\)?)\s*(?:;\s*(.*))?$/;

/** A requirement line, or null for forms that only an installer can judge (URLs, paths, `@`). */
export function parseRequirement(line: string): Requirement | null {
  const text = line.trim();
  if (!text || text.includes('@') || /^[./\\]|:\/\//.test(text)) return null;
  const m = REQ_RE.exec(text);
  if (!m) return null;
  const specifiers = (m[3] ?? '').trim().replace(/^\((.*)\)$/, '$1').trim();
  if (specifiers && !/^(?:\s*(?:~=|===|==|!=|<=|>=|<|>)\s*[^,\s]+\s*)(?:,\s*(?:~=|===|==|!=|<=|>=|<|>)\s*[^,\s]+\s*)*$/.test(specifiers)) return null;
  return {
    name: m[1]!,
    extras: (m[2] ?? '').split(',').map((e) => e.trim()).filter(Boolean),
    specifiers,
    marker: m[4]?.trim() || null,
  };
}

export type LineVerdict = { line: string; satisfied: true; by: string } | { line: string; satisfied: false; reason: string };

function checkRequirement(req: Requirement, inv: Inventory, depth: number): { ok: boolean; by?: string; reason?: string } {
  const dist = inv.dists[normaliseName(req.name)];
  if (!dist) return { ok: false, reason: `${req.name} is not installed` };
  if (req.specifiers) {
    const hit = satisfiesSpecifiers(dist.version, req.specifiers);
    if (hit === null) return { ok: false, reason: `${req.name} ${dist.version} could not be compared with ${req.specifiers}` };
    if (!hit) return { ok: false, reason: `${req.name} ${dist.version} does not match ${req.specifiers}` };
  }
  for (const extra of req.extras) {
    if (depth > 2) return { ok: false, reason: `${req.name}[${extra}] nests too deep to check` };
    for (const dep of dist.requires) {
      const sub = parseRequirement(dep);
      if (!sub) return { ok: false, reason: `${req.name}[${extra}] needs "${dep}", which only pip can check` };
      if (!sub.marker) continue; // base dependencies: installed with the package itself
      const applies = evaluateMarker(sub.marker, { ...inv.env, extra: normaliseName(extra) });
      if (applies === null) return { ok: false, reason: `${req.name}[${extra}]: marker "${sub.marker}" could not be evaluated` };
      if (!applies || !/\bextra\b/.test(sub.marker)) continue;
      const r = checkRequirement({ ...sub, marker: null }, inv, depth + 1);
      if (!r.ok) return { ok: false, reason: `${req.name}[${extra}] needs ${r.reason ?? sub.name}` };
    }
  }
  return { ok: true, by: `${req.name} ${dist.version}` };
}

/** One verdict per requirement line (lines as `parseRequirements` returns them). */
export function checkRequirements(lines: readonly string[], inv: Inventory): LineVerdict[] {
  return lines.map((line): LineVerdict => {
    const req = parseRequirement(line);
    if (!req) return { line, satisfied: false, reason: `"${line}" is not a plain name and version, so pip decides` };
    if (req.marker) {
      const applies = evaluateMarker(req.marker, inv.env);
      if (applies === null) return { line, satisfied: false, reason: `the marker "${req.marker}" could not be evaluated` };
      if (!applies) return { line, satisfied: true, by: 'not needed on this platform (marker)' };
    }
    const r = checkRequirement(req, inv, 0);
    return r.ok ? { line, satisfied: true, by: r.by! } : { line, satisfied: false, reason: r.reason! };
  });
}
