// Taking the repository for a run: its lock first (one run at a time, repo-lock.ts), then what a run that died while
// holding it left of git's own lock files, then the check that nothing else holds the index, so a run never pays for
// model calls it cannot commit.
import { existsSync } from "node:fs";
import { acquireRepoLock, removeGitLocksLeftBy, type RepoLock } from "../forge/index.ts";
import type { Progress } from "./progress.ts";
import { WorkspaceError, type Workspace } from "./workspace.ts";

/** A second run waits this long for the first to finish, then says who holds the repository. */
export const DEFAULT_LOCK_WAIT_MS = 5_000;

export async function takeRepository(ws: Workspace, opts: { waitMs?: number; command: string; progress: Progress }): Promise<RepoLock> {
  const lock = await acquireRepoLock(ws.store.gitDir, { waitMs: opts.waitMs ?? DEFAULT_LOCK_WAIT_MS, command: opts.command });
  try {
    const dead = lock.tookOverFrom;
    if (dead) {
      for (const file of await removeGitLocksLeftBy(ws.store, dead)) {
        opts.progress.emit({ kind: "info", project: "-", text: `removed ${file}, left by ateams ${dead.command} (pid ${dead.pid} on ${dead.host}, since ${dead.startedAt}), which ended without finishing` });
      }
    }
    const index = ws.store.indexLockFile;
    if (existsSync(index)) {
      throw new WorkspaceError(`${index} exists: another git process is running, or one was killed. If none is running, remove the file and run again.`);
    }
    return lock;
  } catch (e) {
    lock.release();
    throw e;
  }
}
