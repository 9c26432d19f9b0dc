/** Parsing of delimited text and JSON datasets for the preview table; pure, no I/O. */

export interface ParsedTable {
  columns: string[];
  rows: string[][];
  truncated: boolean;
}

/**
 * RFC 4180-style parsing (quoted fields, doubled quotes, CR/LF) of at most `maxRows` data rows
 * after the header. `complete` says whether `text` is the whole file; when it isn't, the last
 * (possibly cut) line is dropped.
 */
export function parseDelimited(text: string, delimiter: string, maxRows: number, complete: boolean): ParsedTable {
  const records: string[][] = [];
  let field = '';
  let row: string[] = [];
  let inQuotes = false;
  let i = 0;
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let stoppedEarly = false;
  while (i < src.length) {
    const c = src[i]!;
    if (inQuotes) {
      if (c === '"') {
        if (src[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        inQuotes = false;
      } else field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') inQuotes = true;
    else if (c === delimiter) {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      row.push(field);
      field = '';
      records.push(row);
      row = [];
      if (c === '\r' && src[i + 1] === '\n') i++;
      if (records.length > maxRows) {
        stoppedEarly = true;
        break;
      }
    } else field += c;
    i++;
  }
  if (!stoppedEarly && complete && (field !== '' || row.length > 0)) {
    row.push(field);
    records.push(row);
  }
  const nonEmpty = records.filter((r) => !(r.length === 1 && r[0] === ''));
  const header = nonEmpty.shift() ?? [];
  const width = Math.max(header.length, ...nonEmpty.slice(0, maxRows).map((r) => r.length));
  const columns = Array.from({ length: width }, (_, k) => header[k] ?? `column ${k + 1}`);
  const rows = nonEmpty.slice(0, maxRows).map((r) => Array.from({ length: width }, (_, k) => r[k] ?? ''));
  return { columns, rows, truncated: stoppedEarly || nonEmpty.length > maxRows || !complete };
}

const cell = (v: unknown): string => {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
};

/** An array of objects (columns = union of keys, first-seen order), an array of arrays, or `{data: [...]}`. */
export function parseJsonTable(text: string, maxRows: number): ParsedTable | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  if (json && typeof json === 'object' && !Array.isArray(json)) {
    const inner = Object.values(json as Record<string, unknown>).find(Array.isArray);
    json = inner ?? [json];
  }
  if (!Array.isArray(json)) return null;
  const slice = json.slice(0, maxRows);
  const truncated = json.length > maxRows;
  if (slice.every((r) => Array.isArray(r))) {
    const width = Math.max(0, ...slice.map((r) => (r as unknown[]).length));
    return {
      columns: Array.from({ length: width }, (_, k) => `column ${k + 1}`),
      rows: slice.map((r) => Array.from({ length: width }, (_, k) => cell((r as unknown[])[k]))),
      truncated,
    };
  }
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const r of slice) {
    if (r && typeof r === 'object' && !Array.isArray(r)) {
      for (const k of Object.keys(r)) {
        if (!seen.has(k)) {
          seen.add(k);
          columns.push(k);
        }
      }
    }
  }
  if (columns.length === 0) return { columns: ['value'], rows: slice.map((r) => [cell(r)]), truncated };
  const rows = slice.map((r) =>
    r && typeof r === 'object' && !Array.isArray(r) ? columns.map((c) => cell((r as Record<string, unknown>)[c])) : [cell(r)],
  );
  return { columns, rows, truncated };
}
