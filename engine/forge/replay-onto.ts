// Joins our local commits with a tip someone else pushed first, in a throwaway worktree so the user's checkout is
// never disturbed. A merge, not a rebase: every commit keeps its id, so stream branches merged on either side stay
// part of the branch (a rebase would rewrite them, and their streams would look unmerged).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GitCommandError, GitConflictError } from "./errors.ts";
import type { StoreContext } from "./store-context.ts";
import { splitZ } from "./worktree-guard.ts";

export interface Replayed {
  /** The joined tip; a descendant of both `onto` and our tip. */
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
      await git.run(["merge", "--no-ff", "--no-edit", "--quiet", "-m", "ateams: join work pushed concurrently", onto], { cwd: dir, env });
    } catch (e) {
      if (!(e instanceof GitCommandError)) throw e;
      const paths = splitZ((await git.run(["diff", "--name-only", "--diff-filter=U", "-z"], { cwd: dir })).stdout);
      await git.run(["merge", "--abort"], { cwd: dir, ok: [0, 1, 128] });
      throw new GitConflictError("replaying local commits onto the remote tip", paths, { cause: e });
    }
    const sha = await git.text(["rev-parse", "HEAD"], { cwd: dir });
    const count = Number(await git.text(["rev-list", "--count", "--no-merges", `${onto}..${sha}`]));
    return { sha, count };
  } finally {
    await git.run(["worktree", "remove", "--force", dir], { ok: [0, 1, 128] });
    await rm(dir, { recursive: true, force: true });
    await git.run(["worktree", "prune"], { ok: [0, 1, 128] });
  }
}
