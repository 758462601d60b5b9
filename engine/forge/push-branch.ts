// Publishes a branch without ever force-pushing. When another writer got there first, our commits are replayed on
// top of theirs and the push is tried again, so two runs pushing the same branch both keep every commit.
import { setTimeout as sleep } from "node:timers/promises";
import { GitCommandError, GitDirtyWorktreeError, GitPushRejectedError, GitRefNotFoundError, InvalidRefNameError } from "./errors.ts";
import { replayOnto } from "./replay-onto.ts";
import type { StoreContext } from "./store-context.ts";
import { changesInTheWay } from "./worktree-guard.ts";

export interface PushOptions {
  remote?: string;
  /** Push attempts before giving up with GitPushRejectedError. */
  maxAttempts?: number;
}

export interface PushResult {
  /** The branch tip now on the remote (and locally). */
  sha: string;
  attempts: number;
  /** Local commits that had to be replayed onto someone else's tip. */
  replayed: number;
}

export async function pushBranch(ctx: StoreContext, branch: string, options: PushOptions = {}): Promise<PushResult> {
  const remote = options.remote ?? "origin";
  const maxAttempts = options.maxAttempts ?? 10;
  const ref = await ctx.branchRef(branch);
  const tracking = `refs/remotes/${remote}/${branch}`;
  if ((await ctx.git.run(["check-ref-format", tracking], { ok: [0, 1] })).exitCode !== 0 || remote.startsWith("-")) {
    throw new InvalidRefNameError(remote);
  }
  return ctx.withBranchLock(branch, async () => {
    let replayed = 0;
    let lastRefusal: GitCommandError | undefined;
    for (let attempt = 1; attempt <= maxAttempts; attempt++) {
      const local = await ctx.resolveCommit(ref);
      if (local === undefined) throw new GitRefNotFoundError(ref);
      const args = ["push", "--quiet", remote, `${ref}:${ref}`];
      const pushed = await ctx.git.run(args, { ok: [0, 1, 128] });
      if (pushed.exitCode === 0) return { sha: local, attempts: attempt, replayed };
      lastRefusal = new GitCommandError(args, pushed.exitCode, pushed.stderr);

      // Decide from the refs, not from git's wording, why the push was refused.
      const theirs = await fetchTip(ctx, remote, branch, tracking);
      if (theirs !== undefined && theirs !== local) {
        if (await ctx.isAncestor(local, theirs)) {
          // The remote already holds everything we have (another process pushed it): catch up locally and stop.
          await moveLocal(ctx, ref, local, theirs);
          return { sha: theirs, attempts: attempt, replayed };
        }
        if (!(await ctx.isAncestor(theirs, local))) {
          const next = await replayOnto(ctx, theirs, local);
          await moveLocal(ctx, ref, local, next.sha);
          replayed += next.count;
          continue;
        }
      } else if (theirs === local) {
        return { sha: local, attempts: attempt, replayed };
      }
      // We are ahead (or the branch is new) yet were refused: a concurrent push holds the remote ref's lock, or a
      // hook said no. Back off with jitter so racing writers stop colliding.
      await sleep(Math.random() * Math.min(1000, 25 * 2 ** attempt));
    }
    throw new GitPushRejectedError(branch, remote, maxAttempts, { cause: lastRefusal });
  });
}

/** The remote's tip of `branch`, fetched into its remote-tracking ref; undefined when the remote has no such branch. */
async function fetchTip(ctx: StoreContext, remote: string, branch: string, tracking: string): Promise<string | undefined> {
  const ref = `refs/heads/${branch}`;
  // ls-remote matches patterns by trailing path components, so pick the exact ref out of its answer.
  const listed = await ctx.git.text(["ls-remote", "--heads", remote, ref]);
  if (!listed.split("\n").some((line) => line.split("\t")[1] === ref)) return undefined;
  await ctx.git.run(["fetch", "--quiet", "--no-tags", remote, `+${ref}:${tracking}`]);
  return ctx.resolveCommit(tracking);
}

/** Points the local branch at `next`; on the checked-out branch the working tree follows, keeping local edits. */
async function moveLocal(ctx: StoreContext, ref: string, from: string, next: string): Promise<void> {
  if (ctx.workTree !== undefined && (await ctx.checkedOutRef()) === ref) {
    // reset has no compare-and-swap: make sure no commit landed on the branch since we read it.
    if ((await ctx.resolveCommit(ref)) !== from) return;
    const inTheWay = await changesInTheWay(ctx.git, from, next);
    if (inTheWay.length) throw new GitDirtyWorktreeError("push: update the checked-out branch", inTheWay);
    // --keep moves HEAD, index and files together and refuses rather than discard a local change.
    await ctx.git.run(["reset", "--quiet", "--keep", next]);
    return;
  }
  // Losing this swap means a local commit landed meanwhile; the next attempt pushes it too.
  await ctx.casUpdateRef(ref, next, from, `ateams: rebase onto ${next} for push`);
}
