/** ISO-8601 UTC, whole seconds, `+00:00` suffix, as anton writes it: 2026-06-01T12:00:00+00:00. */
export function isoSeconds(date: Date = new Date()): string {
  return `${date.toISOString().slice(0, 19)}+00:00`;
}
