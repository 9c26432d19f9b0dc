import type { AccessState, PublishStatus } from '../../../shared/contract/publish';
import type { CurrentMd5 } from './bundle-md5';
import { passwordAccount, type PublishArtifactRecord, type ScrubberPort, type SecretsPort } from './ports';
import type { PublishContext } from './publish-review';
import { antonPassword, entryAccess, readPublished, type PublishedState } from './published-state';

export interface StatusDeps {
  secrets: SecretsPort;
  scrubber: ScrubberPort;
}

/**
 * An artifact's publish state for its badge and review sheet: not published, published (the
 * bundle is the one last sent, by Kiln or by anton), or changed since.
 */
export async function publishStatus(deps: StatusDeps, ctx: PublishContext, current: CurrentMd5 | null, known?: PublishedState): Promise<PublishStatus> {
  const state = known ?? (await readPublished(ctx.loc));
  const access = await accessState(deps, ctx.record, state);
  const md5 = current?.md5 ?? null;
  const entry = state.entry;
  if (!entry) return { slug: ctx.record.slug, state: 'not-published', reportId: null, url: null, lastMd5: null, currentMd5: md5, access };
  // Same files as last published, by Kiln's bundle or by the one anton builds from them.
  const same = current !== null && entry.last_md5 !== '' && (entry.last_md5 === current.md5 || entry.last_md5 === current.antonMd5);
  return {
    slug: ctx.record.slug,
    state: same ? 'published' : 'changed',
    reportId: entry.report_id,
    url: entry.url || null,
    lastMd5: entry.last_md5 || null,
    currentMd5: md5,
    access,
  };
}

async function accessState(deps: StatusDeps, record: PublishArtifactRecord, state: PublishedState): Promise<AccessState> {
  const entry = state.entry;
  const stored = entryAccess(entry);
  const anton = antonPassword(entry);
  const plaintext = anton !== null;
  // anton keeps it in clear on disk: scrub it from everything (model, logs, bundles) like a keychain secret.
  if (anton) deps.scrubber.register(`PUBLISH_PASSWORD_${record.id}`, anton);
  const passwordSet = plaintext || Boolean(await deps.secrets.get(passwordAccount(record.id)).catch(() => null));
  return {
    mode: stored?.mode ?? 'public',
    passwordSet,
    emails: stored?.emails ?? [],
    orgAllowed: stored?.orgAllowed ?? false,
    antonPlaintext: plaintext,
    antonKeepMakesPublic: entry?.mode === 'password' && !plaintext,
  };
}
