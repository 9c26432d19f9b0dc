/**
 * PEP 440 versions and specifiers, enough to answer "does the installed version satisfy this
 * requirement?" the way pip does for an installed distribution (pre-releases accepted).
 * A version or specifier this module can't parse makes the check answer "unknown", and the
 * caller runs the installer — a wrong "satisfied" would start an app without its packages.
 */

export interface Version {
  epoch: number;
  release: number[];
  /** ['a'|'b'|'rc', n] or null. */
  pre: [string, number] | null;
  post: number | null;
  dev: number | null;
  local: string | null;
}

const VERSION_RE =
  /^v?(?:(\d+)!)?(\d+(?:\.\d+)*)(?:[-_.]?(alpha|a|beta|b|preview|pre|c|rc)[-_.]?(\d+)?)?(?:-(\d+)|[-_.]?(post|rev|r)[-_.]?(\d+)?)?(?:[-_.]?(dev)[-_.]?(\d+)?)?(?:\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?$/i;

const PRE_NAMES: Record<string, string> = { alpha: 'a', a: 'a', beta: 'b', b: 'b', c: 'rc', rc: 'rc', pre: 'rc', preview: 'rc' };

export function parseVersion(text: string): Version | null {
  const m = VERSION_RE.exec(text.trim());
  if (!m) return null;
  const post = m[5] !== undefined ? Number(m[5]) : m[6] !== undefined ? Number(m[7] ?? 0) : null;
  return {
    epoch: Number(m[1] ?? 0),
    release: m[2]!.split('.').map(Number),
    pre: m[3] ? [PRE_NAMES[m[3].toLowerCase()]!, Number(m[4] ?? 0)] : null,
    post,
    dev: m[8] ? Number(m[9] ?? 0) : null,
    local: m[10]?.toLowerCase().replace(/[-_]/g, '.') ?? null,
  };
}

function compareRelease(a: readonly number[], b: readonly number[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

const PRE_ORDER: Record<string, number> = { a: 0, b: 1, rc: 2 };

/** Sort key parts per PEP 440: dev < pre < final < post; a bare `.devN` sorts before any pre. */
function preKey(v: Version): [number, number, number] {
  if (v.pre) return [0, PRE_ORDER[v.pre[0]]!, v.pre[1]];
  if (v.dev !== null && v.post === null) return [-1, 0, 0];
  return [1, 0, 0];
}

function compareLocal(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  const pa = a.split('.');
  const pb = b.split('.');
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/.test(x);
    const ny = /^\d+$/.test(y);
    if (nx && ny && Number(x) !== Number(y)) return Math.sign(Number(x) - Number(y));
    if (nx !== ny) return nx ? 1 : -1;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

export function compareVersions(a: Version, b: Version): number {
  if (a.epoch !== b.epoch) return Math.sign(a.epoch - b.epoch);
  const r = compareRelease(a.release, b.release);
  if (r !== 0) return r;
  const [pa, pb] = [preKey(a), preKey(b)];
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return Math.sign(pa[i]! - pb[i]!);
  const post = (a.post ?? -1) - (b.post ?? -1);
  if (post !== 0) return Math.sign(post);
  const dev = (a.dev ?? Infinity) - (b.dev ?? Infinity);
  if (dev !== 0 && Number.isFinite(dev)) return Math.sign(dev);
  if (a.dev === null && b.dev !== null) return 1;
  if (a.dev !== null && b.dev === null) return -1;
  return compareLocal(a.local, b.local);
}

const isPre = (v: Version): boolean => v.pre !== null || v.dev !== null;
const publicOf = (v: Version): Version => ({ ...v, local: null });
const baseOf = (v: Version): Version => ({ epoch: v.epoch, release: v.release, pre: null, post: null, dev: null, local: null });

/** `==1.2.*`: the release starts with the given prefix (padded with zeros as PEP 440 says). */
function prefixMatch(v: Version, prefix: string): boolean | null {
  const p = parseVersion(prefix);
  if (!p) return null;
  if (p.epoch !== v.epoch) return false;
  const release = [...v.release];
  while (release.length < p.release.length) release.push(0);
  if (!p.release.every((n, i) => release[i] === n)) return false;
  if (p.pre) return v.pre !== null && v.pre[0] === p.pre[0] && v.pre[1] === p.pre[1];
  return true;
}

/** One clause (`>=1.2`, `~=2.0`, `!=1.3.*`). Null when the clause can't be read. */
export function matchesClause(v: Version, clause: string): boolean | null {
  const m = /^\s*(~=|===|==|!=|<=|>=|<|>)\s*(\S+)\s*$/.exec(clause);
  if (!m) return null;
  const [, op, raw] = m as unknown as [string, string, string];
  if (op === '===') return raw === formatted(v);
  if ((op === '==' || op === '!=') && raw.endsWith('.*')) {
    const hit = prefixMatch(v, raw.slice(0, -2));
    return hit === null ? null : op === '==' ? hit : !hit;
  }
  const s = parseVersion(raw);
  if (!s) return null;
  switch (op) {
    case '==':
      return compareVersions(s.local ? v : publicOf(v), s) === 0;
    case '!=':
      return compareVersions(s.local ? v : publicOf(v), s) !== 0;
    case '<=':
      return compareVersions(publicOf(v), s) <= 0;
    case '>=':
      return compareVersions(publicOf(v), s) >= 0;
    case '<':
      // `<1.0` excludes 1.0's own pre-releases unless the bound is itself a pre-release.
      if (!isPre(s) && isPre(v) && compareVersions(baseOf(v), baseOf(s)) === 0) return false;
      return compareVersions(publicOf(v), s) < 0;
    case '>':
      // `>1.0` excludes 1.0's post-releases unless the bound is itself a post-release.
      if (s.post === null && v.post !== null && compareVersions(baseOf(v), baseOf(s)) === 0) return false;
      return compareVersions(publicOf(v), s) > 0 && !(v.local && compareVersions(publicOf(v), s) === 0);
    case '~=': {
      if (s.release.length < 2) return null;
      const prefix = s.release.slice(0, -1).join('.');
      return compareVersions(publicOf(v), s) >= 0 && prefixMatch(v, `${s.epoch ? `${s.epoch}!` : ''}${prefix}`) === true;
    }
    default:
      return null;
  }
}

function formatted(v: Version): string {
  return `${v.epoch ? `${v.epoch}!` : ''}${v.release.join('.')}${v.pre ? `${v.pre[0]}${v.pre[1]}` : ''}${v.post !== null ? `.post${v.post}` : ''}${v.dev !== null ? `.dev${v.dev}` : ''}${v.local ? `+${v.local}` : ''}`;
}

/** A comma-separated specifier set; every clause must hold. Null when any clause can't be read. */
export function satisfiesSpecifiers(version: string, specifiers: string): boolean | null {
  const v = parseVersion(version);
  if (!v) return null;
  const clauses = specifiers.split(',').map((c) => c.trim()).filter(Boolean);
  let all = true;
  for (const clause of clauses) {
    const hit = matchesClause(v, clause);
    if (hit === null) return null;
    if (!hit) all = false;
  }
  return all;
}
