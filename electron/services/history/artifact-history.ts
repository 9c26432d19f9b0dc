import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { CheckpointRecord } from '../../../shared/contract/history';
import { decodeCommit, type ParsedCommit } from './message';
import { HistoryRepo, type CommitInfo, type TreeFile } from './repo';
import { StatCache } from './snapshot';

export interface HeadState {
  oid: string;
  tree: string;
  files: Map<string, TreeFile>;
  record: CheckpointRecord | null;
}

type PublishedMarks = Record<string, { reportId: string; md5: string; at: string }>;

/**
 * One artifact's history with what Kiln caches about it between calls: the parsed log, the
 * head's files, the stat cache, the measured size. Only the history service's queue uses it.
 */
export class ArtifactHistory {
  readonly repo: HistoryRepo;
  stat: StatCache;
  /** Why checkpoints stopped (size cap), shown in the History tab. */
  limit: string | null = null;
  private statLoaded = false;
  private verifiedHead: string | null = null;
  /** The head `kiln-log.json` was last written for (undefined: not this run). */
  private savedHead: string | null | undefined = undefined;
  private cachedLog: ParsedCommit[] | null = null;
  private cachedHead: HeadState | null | undefined = undefined;
  private measured: number | null = null;
  private writtenAtMeasure = 0;

  constructor(gitdir: string) {
    this.repo = new HistoryRepo(gitdir);
    this.stat = new StatCache(this.statFile());
  }

  private statFile(): string {
    return path.join(this.repo.gitdir, 'kiln-stat.json');
  }

  private publishedFile(): string {
    return path.join(this.repo.gitdir, 'kiln-published.json');
  }

  /** Creates the repository when absent; false when it exists but can't be read (damaged). */
  async ready(): Promise<boolean> {
    if (!(await this.repo.exists())) {
      await this.repo.init();
      this.forget();
    }
    try {
      const head = await this.repo.head();
      // Read the head commit once per run (or after a change under Kiln): is the repository usable?
      if (head && head !== this.verifiedHead) await this.repo.readCommit(head);
      this.verifiedHead = head;
    } catch {
      this.forget();
      return false;
    }
    if (!this.statLoaded) {
      await this.stat.load();
      this.statLoaded = true;
    }
    return true;
  }

  /** Forgets the stat cache on disk too: after a prune its blobs may be gone. */
  async dropStat(): Promise<void> {
    await fs.rm(this.statFile(), { force: true });
    this.forget();
  }

  /** Drops every cache (after a prune, a reset, or an error). */
  forget(): void {
    this.cachedLog = null;
    this.cachedHead = undefined;
    this.measured = null;
    this.verifiedHead = null;
    this.savedHead = undefined;
    this.statLoaded = false;
    this.stat = new StatCache(this.statFile());
  }

  private logFile(): string {
    return path.join(this.repo.gitdir, 'kiln-log.json');
  }

  /**
   * Every checkpoint, newest first. Kept in memory and in `kiln-log.json` (the commits as read,
   * keyed by the head they end at), so a list after a restart reads one file and only the
   * commits made since, not the whole repository.
   */
  async log(): Promise<ParsedCommit[]> {
    const head = await this.repo.head();
    if (this.cachedLog && (this.cachedLog[0]?.commit.oid ?? null) === head) {
      await this.saveLog(head);
      return this.cachedLog;
    }
    const known = this.cachedLog?.map((p) => p.commit) ?? (await this.readLogFile());
    const fresh: CommitInfo[] = [];
    const index = new Map(known.map((c, i) => [c.oid, i]));
    let at = head;
    let joined: number | undefined;
    while (at) {
      joined = index.get(at);
      if (joined !== undefined) break;
      const c = await this.repo.readCommit(at);
      fresh.push(c);
      at = c.parent;
    }
    // Joined the known log: keep its tail; otherwise (a rewritten branch) the walk read it all.
    const commits = joined !== undefined ? [...fresh, ...known.slice(joined)] : fresh;
    this.cachedLog = commits.map(decodeCommit);
    await this.saveLog(head);
    return this.cachedLog;
  }

  private async saveLog(head: string | null): Promise<void> {
    if (this.savedHead === head || !this.cachedLog) return;
    await fs.writeFile(this.logFile(), JSON.stringify({ head, commits: this.cachedLog.map((p) => p.commit) })).catch(() => undefined);
    this.savedHead = head;
  }

  private async readLogFile(): Promise<CommitInfo[]> {
    try {
      const raw = JSON.parse(await fs.readFile(this.logFile(), 'utf8')) as { commits?: CommitInfo[] };
      return Array.isArray(raw.commits) ? raw.commits.filter((c) => typeof c?.oid === 'string' && typeof c.tree === 'string') : [];
    } catch {
      return [];
    }
  }

  parsed(oid: string): ParsedCommit | undefined {
    return this.cachedLog?.find((p) => p.commit.oid === oid);
  }

  async headState(): Promise<HeadState | null> {
    const oid = await this.repo.head();
    // One ref read keeps the cache honest if the branch moved under Kiln.
    if (this.cachedHead !== undefined && (this.cachedHead?.oid ?? null) === oid) return this.cachedHead;
    if (!oid) return (this.cachedHead = null);
    const commit = await this.repo.readCommit(oid);
    const parsed = decodeCommit(commit);
    this.cachedHead = { oid, tree: commit.tree, files: await this.repo.files(commit.tree), record: parsed.meta?.record ?? null };
    return this.cachedHead;
  }

  /** After a commit: the head and the log move without reading the repository again. */
  committed(commit: CommitInfo, files: Map<string, TreeFile>): void {
    const parsed = decodeCommit(commit);
    this.cachedHead = { oid: commit.oid, tree: commit.tree, files, record: parsed.meta?.record ?? null };
    this.verifiedHead = commit.oid;
    if (this.cachedLog) this.cachedLog.unshift(parsed);
  }

  /** Bytes of the git-dir: measured once, then counted as objects are written. */
  async size(): Promise<number> {
    if (this.measured === null) {
      this.measured = await this.repo.size();
      this.writtenAtMeasure = this.repo.written;
    }
    return this.measured + (this.repo.written - this.writtenAtMeasure);
  }

  resetSize(): void {
    this.measured = null;
  }

  async published(): Promise<PublishedMarks> {
    try {
      const raw = JSON.parse(await fs.readFile(this.publishedFile(), 'utf8')) as unknown;
      return raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as PublishedMarks) : {};
    } catch {
      return {};
    }
  }

  async markPublished(oid: string, mark: PublishedMarks[string]): Promise<void> {
    const marks = await this.published();
    if (marks[oid]?.md5 === mark.md5) return;
    marks[oid] = mark;
    await fs.writeFile(this.publishedFile(), JSON.stringify(marks));
  }

  /** After a prune gave the kept checkpoints new ids. */
  async remapPublished(map: ReadonlyMap<string, string>): Promise<void> {
    const marks = await this.published();
    const next: PublishedMarks = {};
    for (const [oid, mark] of Object.entries(marks)) {
      const to = map.get(oid);
      if (to) next[to] = mark;
    }
    if (Object.keys(marks).length > 0) await fs.writeFile(this.publishedFile(), JSON.stringify(next));
  }
}
