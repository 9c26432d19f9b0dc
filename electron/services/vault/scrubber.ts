/**
 * Replaces known secret values in text that leaves main (model requests, tool results, logs,
 * error messages) with `[VAR_NAME]` markers, and known API-key shapes with `[REDACTED_API_KEY]`
 * (anton-format.md §6).
 *
 * All registered values are compiled into ONE regular expression shaped as a trie, so a scrub
 * is a single pass over the text whatever the number of secrets: at each position the engine
 * walks at most one branch per character instead of trying every secret in turn. Inside a trie
 * two matches at the same position are always prefix-related, so "prefer the longer branch"
 * is exactly "longest value first", which is what makes overlapping secrets scrub cleanly.
 */

export const REDACTED_API_KEY = '[REDACTED_API_KEY]';

/**
 * Key shapes from §6. The left guard keeps ordinary words readable: without it a slug such as
 * `disk-usage-dashboard-2026` would lose its tail to the `sk-` shape.
 */
const KEY_SHAPES = '(?<![A-Za-z0-9])(?:sk-[A-Za-z0-9_-]{20,}|mdb_[A-Za-z0-9._-]{10,}|AIza[A-Za-z0-9_-]{30,})';

/** Unicode-aware "word character", like Python's `\w` that anton uses. */
const WORD = '[\\p{L}\\p{N}\\p{M}_]';
const WORD_RE = new RegExp(`^${WORD}$`, 'u');

/**
 * Values longer than this (service-account JSON, private keys) stay out of the trie: V8 caps
 * the size of a compiled expression. They are few, so a plain indexOf scan per value is cheap,
 * and running them first keeps "longest value first".
 */
const MAX_TRIE_VALUE = 1024;

function isWordAt(text: string, index: number, before: boolean): boolean {
  if (before) {
    if (index <= 0) return false;
    const prev = text.charCodeAt(index - 1);
    const lowSurrogate = prev >= 0xdc00 && prev <= 0xdfff && index >= 2;
    return WORD_RE.test(text.slice(lowSurrogate ? index - 2 : index - 1, index));
  }
  if (index >= text.length) return false;
  const cp = text.codePointAt(index) ?? 0;
  return WORD_RE.test(String.fromCodePoint(cp));
}

function replaceLiteral(text: string, value: string, marker: string): string {
  let out = '';
  let from = 0;
  let at = text.indexOf(value);
  while (at !== -1) {
    const end = at + value.length;
    if (!isWordAt(text, at, true) && !isWordAt(text, end, false)) {
      out += text.slice(from, at) + marker;
      from = end;
      at = text.indexOf(value, end);
    } else {
      at = text.indexOf(value, at + 1);
    }
  }
  return from === 0 ? text : out + text.slice(from);
}

interface TrieNode {
  children: Map<string, TrieNode>;
  terminal: boolean;
}

function escapeCodePoint(ch: string): string {
  if (/^[A-Za-z0-9]$/.test(ch)) return ch;
  return `\\u{${(ch.codePointAt(0) ?? 0).toString(16)}}`;
}

function trieToPattern(node: TrieNode): string {
  const branches: string[] = [];
  for (const [ch, child] of node.children) {
    // Follow single-child chains iteratively so a 64 KB value does not nest 64 K groups deep.
    let chain = escapeCodePoint(ch);
    let cur = child;
    while (cur.children.size === 1 && !cur.terminal) {
      const only = cur.children.entries().next().value;
      if (!only) break;
      chain += escapeCodePoint(only[0]);
      cur = only[1];
    }
    const rest = cur.children.size > 0 ? trieToPattern(cur) : '';
    if (rest === '') branches.push(chain);
    // A terminal node with children: try the longer continuation first, then stop here.
    else branches.push(cur.terminal ? `${chain}(?:${rest})?` : `${chain}${rest}`);
  }
  if (branches.length === 1) return branches[0] ?? '';
  return `(?:${branches.join('|')})`;
}

export function buildSecretPattern(values: Iterable<string>): string | null {
  const root: TrieNode = { children: new Map(), terminal: false };
  let any = false;
  for (const value of values) {
    if (value === '') continue;
    any = true;
    let node = root;
    for (const ch of value) {
      let next = node.children.get(ch);
      if (!next) {
        next = { children: new Map(), terminal: false };
        node.children.set(ch, next);
      }
      node = next;
    }
    node.terminal = true;
  }
  return any ? trieToPattern(root) : null;
}

/** Fragments shorter than this are not worth a marker and could hit ordinary text. */
const MIN_FRAGMENT = 12;

/**
 * Pieces of a structured secret that may leave main on their own: the lines of a multi-line
 * value (a PEM key printed by a backend, logged line by line), the string fields of a JSON
 * value (a service-account file whose `private_key` a backend prints), and the JSON-escaped
 * form of a multi-line value (the same secret inside a JSON document).
 */
export function secretFragments(value: string): string[] {
  const out = new Set<string>();
  const addLines = (text: string): void => {
    if (text.length >= MIN_FRAGMENT) out.add(text);
    if (!/[\r\n]/.test(text)) return;
    for (const line of text.split(/\r?\n/)) {
      const trimmed = line.trim();
      if (trimmed.length >= MIN_FRAGMENT) out.add(trimmed);
    }
    const escaped = JSON.stringify(text).slice(1, -1);
    if (escaped.length >= MIN_FRAGMENT) out.add(escaped);
  };
  if (/[\r\n]/.test(value)) addLines(value);
  if (/^\s*[{[]/.test(value)) {
    try {
      const walk = (node: unknown): void => {
        if (typeof node === 'string') addLines(node);
        else if (Array.isArray(node)) node.forEach(walk);
        else if (node && typeof node === 'object') Object.values(node).forEach(walk);
      };
      walk(JSON.parse(value));
    } catch {
      // Not JSON after all: its lines were enough.
    }
  }
  out.delete(value);
  return [...out];
}

export interface ScrubEntry {
  name: string;
  value: string;
}

export class Scrubber {
  /**
   * varName → values. A replaced value stays registered (a running backend or an old log line
   * may still carry it) until `unregister` or the next start.
   */
  private readonly byName = new Map<string, Set<string>>();
  /** value → varName used in its marker (the latest registered name wins). */
  private byValue = new Map<string, string>();
  private regex: RegExp | null = null;
  /** Long values, longest first, scrubbed before the trie pass. */
  private long: ScrubEntry[] = [];
  private dirty = true;

  /** Registers a secret under its variable name; an empty value is never registered. */
  register(varName: string, value: string): void {
    if (typeof value !== 'string' || value === '' || varName === '') return;
    const values = this.byName.get(varName) ?? new Set<string>();
    if (values.has(value)) return;
    values.add(value);
    this.byName.set(varName, values);
    this.dirty = true;
  }

  unregister(varName: string): void {
    if (this.byName.delete(varName)) this.dirty = true;
  }

  /** Registered secrets, for the publish secret scan. */
  entries(): ScrubEntry[] {
    return [...this.byName].flatMap(([name, values]) => [...values].map((value) => ({ name, value })));
  }

  /** Number of registered values. */
  get size(): number {
    let n = 0;
    for (const values of this.byName.values()) n += values.size;
    return n;
  }

  scrub(text: string): string {
    if (typeof text !== 'string' || text === '') return text;
    const regex = this.compiled();
    let current = text;
    for (const { name, value } of this.long) current = replaceLiteral(current, value, `[${name}]`);
    regex.lastIndex = 0;
    return current.replace(regex, (_match: string, secret: unknown) => {
      // Without registered secrets the pattern has no group and the 2nd argument is the offset.
      if (typeof secret !== 'string') return REDACTED_API_KEY;
      const name = this.byValue.get(secret);
      return name !== undefined ? `[${name}]` : REDACTED_API_KEY;
    });
  }

  private compiled(): RegExp {
    if (!this.dirty && this.regex) return this.regex;
    this.byValue = new Map();
    for (const [name, values] of this.byName) for (const value of values) this.byValue.set(value, name);
    // Fragments come after whole values so a value registered in its own right keeps its name.
    for (const [value, name] of [...this.byValue]) {
      for (const fragment of secretFragments(value)) if (!this.byValue.has(fragment)) this.byValue.set(fragment, name);
    }
    const short: string[] = [];
    this.long = [];
    for (const [value, name] of this.byValue) {
      if (value.length > MAX_TRIE_VALUE) this.long.push({ name, value });
      else short.push(value);
    }
    this.long.sort((a, b) => b.value.length - a.value.length);
    const secrets = buildSecretPattern(short);
    const secretPart = secrets === null ? '' : `(?<!${WORD})(${secrets})(?!${WORD})|`;
    this.regex = new RegExp(`${secretPart}${KEY_SHAPES}`, 'gu');
    this.dirty = false;
    return this.regex;
  }
}

/**
 * Scrubs every string inside a value, then serializes it. Scrubbing JSON *text* instead would
 * miss secrets next to an escape (`\nS3cret` has a word character, `n`, before the value) and
 * values that JSON escapes (quotes, backslashes, newlines).
 */
export function scrubToJson(value: unknown, scrub: (text: string) => string): string {
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') return scrub(node);
    if (Array.isArray(node)) return node.map(walk);
    if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [scrub(k), walk(v)]));
    return node;
  };
  return JSON.stringify(walk(value));
}

/** Tool-call arguments as the model sent them (JSON text, maybe malformed), scrubbed. */
export function scrubJsonText(text: string, scrub: (text: string) => string): string {
  try {
    return scrubToJson(JSON.parse(text), scrub);
  } catch {
    return scrub(text);
  }
}
