/**
 * anton sorts paths with Python's `sorted()` over `pathlib.Path` objects: part by part, each
 * part by code point. So `a/b` comes before `a-c` (the part `a` sorts before `a-c`), which a
 * plain string sort gets the other way round. Kiln uses this order wherever anton's order shows:
 * files[] in metadata.json and the entries of a publish bundle.
 */
export function comparePathsLikeAnton(a: string, b: string): number {
  const pa = a.split('/');
  const pb = b.split('/');
  const n = Math.min(pa.length, pb.length);
  for (let i = 0; i < n; i++) {
    const c = compareCodePoints(pa[i]!, pb[i]!);
    if (c !== 0) return c;
  }
  return pa.length - pb.length;
}

/** Python compares strings by code point; JavaScript's `<` by UTF-16 unit (differs above U+FFFF). */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done) return y.done ? 0 : -1;
    if (y.done) return 1;
    const d = x.value.codePointAt(0)! - y.value.codePointAt(0)!;
    if (d !== 0) return d;
  }
}
