export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

/** A pasted list of e-mails ("a@x.io, b@y.io" or one per line) as entries; the service normalizes. */
export function splitEmails(text: string): string[] {
  return text.split(/[\s,;]+/).map((e) => e.trim()).filter((e) => e !== '');
}
