// One run per repository at a time. Two runs on one repository pay for every call twice, commit the same task twice
// and race each other's index updates; so a run holds `ateams.lock` in the repository's common git directory (shared
// by its linked worktrees, never committed, never cloned). A fan-out job on its own clone has its own `.git` and so
// its own lock: those keep working in parallel.
//
// The file names its owner (pid, host, start time). A lock whose owner is gone is taken over: a dead pid on this
// host, or any lock older than MAX_AGE_MS (a host that vanished). Taking over is serialised by a second, atomic
// `mkdir` guard, so two runs that both find the same stale lock cannot both take it.
import { randomUUID } from "node:crypto";
import { mkdirSync, openSync, readFileSync, rmdirSync, statSync, unlinkSync, writeSync, closeSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";

export const LOCK_FILE = "ateams.lock";
/** No run takes this long; a lock this old is left by a machine that is gone. */
export const MAX_AGE_MS = 6 * 60 * 60 * 1000;
/** A takeover guard older than this belongs to a process that died while taking over. */
const GUARD_STALE_MS = 10_000;
const POLL_MS = 100;

export interface LockOwner {
  pid: number;
  host: string;
  startedAt: string;
  command: string;
  /** Tells this holder's lock from a later one with the same pid (pids are reused). */
  token: string;
}

export interface RepoLock {
  readonly file: string;
  readonly owner: LockOwner;
  /**
   * The owner of the stale lock this one replaced, when its file named one: a run that died (or a host that vanished)
   * and may have left git's own lock files behind (left-git-locks.ts).
   */
  readonly tookOverFrom: LockOwner | undefined;
  /** Removes the lock if it is still this holder's; safe to call twice. */
  release(): void;
}

export class RepoLockedError extends Error {
  override name = "RepoLockedError";
  readonly file: string;
  readonly owner: LockOwner | undefined;
  constructor(file: string, owner: LockOwner | undefined) {
    super(
      owner
        ? `another ateams ${owner.command} is working on this repository: pid ${owner.pid} on ${owner.host}, since ${owner.startedAt} (${file}). Wait for it to finish; if that process is gone, remove the file.`
        : `another ateams run is working on this repository (${file} exists). Wait for it to finish; if none is running, remove the file.`,
    );
    this.file = file;
    this.owner = owner;
  }
}

export interface AcquireOptions {
  /** How long to wait for a live owner to finish before giving up. Default 0: fail at once. */
  waitMs?: number;
  command?: string;
  /** For tests: whether a pid on this host is alive; and the clock. */
  isAlive?: (pid: number) => boolean;
  now?: () => number;
}

/** Takes the repository's lock in `gitDir` (the common git directory), or throws RepoLockedError naming the owner. */
export async function acquireRepoLock(gitDir: string, opts: AcquireOptions = {}): Promise<RepoLock> {
  const file = join(gitDir, LOCK_FILE);
  const now = opts.now ?? Date.now;
  const isAlive = opts.isAlive ?? pidAlive;
  const owner: LockOwner = { pid: process.pid, host: hostname(), startedAt: new Date(now()).toISOString(), command: opts.command ?? "run", token: randomUUID() };
  const deadline = now() + (opts.waitMs ?? 0);
  let tookOverFrom: LockOwner | undefined;
  for (;;) {
    if (tryCreate(file, owner)) return held(file, owner, tookOverFrom);
    const current = readOwner(file);
    if (current === null) continue; // released between our attempt and the read: try again at once
    if (isStale(current, file, now(), isAlive)) {
      if (takeOver(file, current) && current !== "unreadable") tookOverFrom = current;
      continue;
    }
    // A live run holds it now: whatever a dead one left, that run has dealt with.
    tookOverFrom = undefined;
    if (now() >= deadline) throw new RepoLockedError(file, current === "unreadable" ? undefined : current);
    await sleep(POLL_MS);
  }
}

function tryCreate(file: string, owner: LockOwner): boolean {
  let fd: number;
  try {
    fd = openSync(file, "wx", 0o644); // O_CREAT | O_EXCL: exactly one creator wins
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "EEXIST") return false;
    throw e;
  }
  try {
    writeSync(fd, `${JSON.stringify(owner)}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** The owner written in the file; "unreadable" when it holds something else; null when there is no file. */
function readOwner(file: string): LockOwner | "unreadable" | null {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return null;
    return "unreadable";
  }
  try {
    const v = JSON.parse(text) as Partial<LockOwner>;
    if (typeof v.pid === "number" && typeof v.host === "string" && typeof v.startedAt === "string" && typeof v.token === "string") {
      return { pid: v.pid, host: v.host, startedAt: v.startedAt, command: typeof v.command === "string" ? v.command : "run", token: v.token };
    }
  } catch {
    // a half-written file (its writer died between create and write) or garbage
  }
  return "unreadable";
}

function isStale(owner: LockOwner | "unreadable", file: string, now: number, isAlive: (pid: number) => boolean): boolean {
  if (owner === "unreadable") {
    // Give a writer that just created the file time to fill it in; after that, nobody owns it.
    return now - mtimeOf(file) > GUARD_STALE_MS;
  }
  const started = Date.parse(owner.startedAt);
  if (!Number.isFinite(started) || now - started > MAX_AGE_MS) return true;
  return owner.host === hostname() && !isAlive(owner.pid);
}

/**
 * Removes a stale lock, but only the one that was judged: under the guard, the file is read again and removed only
 * if it still holds the same owner, so a run that took over meanwhile keeps its fresh lock. True when it removed it.
 */
function takeOver(file: string, stale: LockOwner | "unreadable"): boolean {
  const guard = `${file}.takeover`;
  try {
    mkdirSync(guard);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    if (Date.now() - mtimeOf(guard) > GUARD_STALE_MS) rmdirQuiet(guard); // its taker died; the next round retries
    return false;
  }
  try {
    const again = readOwner(file);
    const same = again === "unreadable" ? stale === "unreadable" : again !== null && stale !== "unreadable" && again.token === stale.token;
    if (same) unlinkQuiet(file);
    return same;
  } finally {
    rmdirQuiet(guard);
  }
}

function held(file: string, owner: LockOwner, tookOverFrom: LockOwner | undefined): RepoLock {
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off("exit", release);
    const current = readOwner(file);
    if (current !== null && current !== "unreadable" && current.token === owner.token) unlinkQuiet(file);
  };
  // A process ending without reaching its finally (process.exit) still leaves no lock behind.
  process.on("exit", release);
  return { file, owner, tookOverFrom, release };
}

/** Signal 0 checks that a process exists without touching it; EPERM means it exists under another user. */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

function mtimeOf(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

function unlinkQuiet(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}

function rmdirQuiet(path: string): void {
  try {
    rmdirSync(path);
  } catch {
    // already gone
  }
}
