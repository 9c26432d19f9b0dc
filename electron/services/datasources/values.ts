/** Longest cell text the model gets back; the rest is cut with a note. */
export const MAX_CELL_CHARS = 500;

/** A driver value as plain JSON for the model: dates as ISO text, bytes as a size, long text cut. */
export function jsonCell(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? String(value) : value.toISOString();
  if (Buffer.isBuffer(value)) return `<${value.length} bytes>`;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string') return value.length > MAX_CELL_CHARS ? `${value.slice(0, MAX_CELL_CHARS)}… (${value.length} chars)` : value;
  if (typeof value === 'object') return jsonCell(JSON.stringify(value));
  return value;
}

export function portOf(cfg: { fields: Record<string, string> }, fallback: number): number {
  const n = Number(cfg.fields.port);
  return Number.isInteger(n) && n > 0 && n < 65536 ? n : fallback;
}
