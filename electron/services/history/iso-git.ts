import type IsoGit from 'isomorphic-git';

/** isomorphic-git, loaded with the first checkpoint: a host that only starts doesn't carry it (~10 MB). */
let loading: Promise<typeof IsoGit> | null = null;

export function isoGit(): Promise<typeof IsoGit> {
  loading ??= import('isomorphic-git').then((m) => m.default);
  return loading;
}
