import { satisfiesSpecifiers } from './pep440';

/**
 * PEP 508 environment markers (`; python_version < "3.12" and sys_platform == "linux"`),
 * evaluated against the values the venv's own interpreter reported. Anything this parser
 * doesn't understand is null ("unknown"), never a guess.
 */
export type MarkerEnv = Record<string, string>;

type Token = { kind: 'str' | 'var' | 'op' | 'lp' | 'rp' | 'and' | 'or'; text: string };

const VERSION_VARS = new Set(['python_version', 'python_full_version', 'implementation_version', 'platform_release']);

function tokenize(text: string): Token[] | null {
  const tokens: Token[] = [];
  const re = /\s*(?:(\()|(\))|('[^']*'|"[^"]*")|(===|==|!=|<=|>=|~=|<|>|not\s+in\b|in\b)|(and\b|or\b)|([A-Za-z_][A-Za-z0-9_.]*))/y;
  let i = 0;
  while (i < text.length) {
    if (/^\s*$/.test(text.slice(i))) break;
    re.lastIndex = i;
    const m = re.exec(text);
    if (!m) return null;
    i = re.lastIndex;
    if (m[1]) tokens.push({ kind: 'lp', text: '(' });
    else if (m[2]) tokens.push({ kind: 'rp', text: ')' });
    else if (m[3]) tokens.push({ kind: 'str', text: m[3].slice(1, -1) });
    else if (m[4]) tokens.push({ kind: 'op', text: m[4].replace(/\s+/, ' ') });
    else if (m[5]) tokens.push({ kind: m[5] as 'and' | 'or', text: m[5] });
    else if (m[6]) tokens.push({ kind: 'var', text: m[6] });
  }
  return tokens;
}

function compare(left: string, op: string, right: string, versionish: boolean): boolean | null {
  if (op === 'in') return right.includes(left);
  if (op === 'not in') return !right.includes(left);
  if (versionish) {
    const r = satisfiesSpecifiers(left, `${op}${right}`);
    if (r !== null) return r;
  }
  switch (op) {
    case '==':
    case '===':
      return left === right;
    case '!=':
      return left !== right;
    default:
      return null;
  }
}

/** Evaluates a marker; null when it can't be read or names a variable the env lacks. */
export function evaluateMarker(text: string, env: MarkerEnv): boolean | null {
  const tokens = tokenize(text);
  if (!tokens || tokens.length === 0) return null;
  let pos = 0;
  const value = (): { text: string; isVar: string | null } | null => {
    const t = tokens[pos++];
    if (!t) return null;
    if (t.kind === 'str') return { text: t.text, isVar: null };
    if (t.kind === 'var') {
      const v = env[t.text];
      return v === undefined ? null : { text: v, isVar: t.text };
    }
    return null;
  };
  const atom = (): boolean | null => {
    if (tokens[pos]?.kind === 'lp') {
      pos++;
      const r = or();
      if (tokens[pos++]?.kind !== 'rp') return null;
      return r;
    }
    const left = value();
    const op = tokens[pos++];
    const right = value();
    if (!left || !right || op?.kind !== 'op') return null;
    const versionish = VERSION_VARS.has(left.isVar ?? right.isVar ?? '');
    // `extra == "x"` compares normalised names.
    if ((left.isVar ?? right.isVar) === 'extra') return compare(left.text.toLowerCase(), op.text, right.text.toLowerCase(), false);
    return compare(left.text, op.text, right.text, versionish);
  };
  const and = (): boolean | null => {
    let r = atom();
    while (tokens[pos]?.kind === 'and') {
      pos++;
      const next = atom();
      r = r === false || next === false ? false : r === null || next === null ? null : true;
    }
    return r;
  };
  const or = (): boolean | null => {
    let r = and();
    while (tokens[pos]?.kind === 'or') {
      pos++;
      const next = and();
      r = r === true || next === true ? true : r === null || next === null ? null : false;
    }
    return r;
  };
  const result = or();
  return pos === tokens.length ? result : null;
}
