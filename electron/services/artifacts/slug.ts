import { randomBytes } from 'node:crypto';

/** 8 lowercase hex characters, random (anton-format §2). */
export function newArtifactId(): string {
  return randomBytes(4).toString('hex');
}

const trimEnds = (s: string): string => s.replace(/^[-._]+|[-._]+$/g, '');

/** Steps 1–5 of the slug rule (anton-format §2.2): the human part, without the id. */
export function baseSlug(name: string): string {
  let s = name.trim().toLowerCase();
  s = s.replace(/[^A-Za-z0-9._-]+/g, '-');
  s = s.replace(/-{2,}/g, '-');
  s = trimEnds(s);
  s = trimEnds(s.slice(0, 55));
  return s === '' ? 'untitled-artifact' : s;
}

/** Step 6: `<base>-<id>`. Step 7 (uniqueness against the disk) is the store's job. */
export function slugFor(name: string, id: string): string {
  return `${baseSlug(name)}-${id}`;
}
