// Re-applies our local commits on top of a tip someone else pushed first (a rebase), in a throwaway worktree so the
// user's checkout is never disturbed. `--rebase-merges` keeps stream merges as merges instead of flattening them.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GitCommandError, GitConflictError } from "./errors.ts";
import type { StoreContext } from "./store-context.ts";
import { splitZ } from "./worktree-guard.ts";

export interface Replayed {
  /** The rebased tip; a descendant of `onto`. */
  sha: string;
  /** Commits now on top of `onto` (commits whose change was already upstream are dropped by git). */
  count: number;
}

export async function replayOnto(ctx: StoreContext, onto: string, tip: string): Promise<Replayed> {
  const git = ctx.git;
  const dir = await mkdtemp(join(tmpdir(), "ateams-replay-"));
  try {
    await git.run(["worktree", "add", "--detach", "--quiet", dir, tip]);
    const env = await ctx.identityEnv();
    try {
      await git.run(["rebase", "--rebase-merges", "--quiet", onto], { cwd: dir, env });
    } catch (e) {
      if (!(e instanceof GitCommandError)) throw e;
      const paths = splitZ((await git.run(["diff", "--name-only", "--diff-filter=U", "-z"], { cwd: dir })).stdout);
      await git.run(["rebase", "--abort"], { cwd: dir, ok: [0, 1, 128] });
      throw new GitConflictError("replaying local commits onto the remote tip", paths, { cause: e });
    }
    const sha = await git.text(["rev-parse", "HEAD"], { cwd: dir });
    const count = Number(await git.text(["rev-list", "--count", `${onto}..${sha}`]));
    return { sha, count };
  } finally {
    await git.run(["worktree", "remove", "--force", dir], { ok: [0, 1, 128] });
    await rm(dir, { recursive: true, force: true });
    await git.run(["worktree", "prune"], { ok: [0, 1, 128] });
  }
}
