// Git's lock files left by a run that was killed. Git writes a ref or the index by creating `<file>.lock`, filling it
// and renaming it into place; a git killed in between (SIGKILL, a cancelled CI job, a machine going down) leaves the
// lock file, git itself never removes one, and every later git that needs that ref or the index fails with "File
// exists" — after the next run has paid for its model calls.
//
// When a run takes over the repository lock of an ateams run that is gone (repo-lock.ts), the git lock files created
// since that run started are taken as its leftovers and removed — once each has stayed unchanged for a moment: a
// healthy git holds a lock for milliseconds, so one still there, the same file, after LIVE_LOCK_MS belongs to no
// running git (an IDE's background `git status` or a `git fetch` at that instant is waited out, not robbed). The one
// risk left is a person's own git holding the index for long (`git commit` with its editor open), which then fails
// with git's "Unable to write index" and changes nothing.
import { lstatSync, readdirSync, unlinkSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { dirname, join } from "node:path";
import type { LockOwner } from "./repo-lock.ts";

/** Filesystems that store mtimes in whole (or even two) seconds could date a lock just before the run's start. */
const MTIME_SLACK_MS = 2000;

export interface GitLockPlaces {
  /** The repository's common git directory: refs and packed-refs. */
  gitDir: string;
  /** This worktree's index lock; its folder holds the worktree's HEAD. */
  indexLockFile: string;
}

/** How long a lock file must stay the same file to be taken as left behind. */
export const LIVE_LOCK_MS = 1000;

/** Removes the git lock files created since `owner` started and left there; returns their paths. */
export async function removeGitLocksLeftBy(places: GitLockPlaces, owner: LockOwner, waitMs = LIVE_LOCK_MS): Promise<string[]> {
  const since = Date.parse(owner.startedAt) - MTIME_SLACK_MS;
  const worktreeDir = dirname(places.indexLockFile);
  const candidates = [places.indexLockFile, join(worktreeDir, "HEAD.lock"), join(places.gitDir, "packed-refs.lock"), ...refLocks(join(places.gitDir, "refs"))];
  const found = new Map<string, string>();
  for (const file of new Set(candidates)) {
    const stat = lstatOrUndefined(file);
    if (stat?.isFile() && stat.mtimeMs >= since) found.set(file, identity(stat));
  }
  if (!found.size) return [];
  await sleep(waitMs);
  const removed: string[] = [];
  for (const [file, seen] of found) {
    const stat = lstatOrUndefined(file);
    // Gone, or replaced (a live git finished and another took the lock): not a leftover.
    if (!stat?.isFile() || identity(stat) !== seen) continue;
    try {
      unlinkSync(file);
      removed.push(file);
    } catch {
      // gone already: its git finished after all
    }
  }
  return removed;
}

/** Every `*.lock` file under the refs folder. */
function refLocks(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => (e.isDirectory() ? refLocks(join(dir, e.name)) : e.isFile() && e.name.endsWith(".lock") ? [join(dir, e.name)] : []));
}

const identity = (s: { ino: number; mtimeMs: number; size: number }) => `${s.ino}:${s.mtimeMs}:${s.size}`;

function lstatOrUndefined(file: string) {
  try {
    return lstatSync(file);
  } catch {
    return undefined;
  }
}
