// Brings a stream branch into the working branch with a merge commit. A conflict is an outcome the run reports (the
// stream needs rework), not a crash, and it never leaves a half-merged working tree behind.
import { GitCommandError, GitDirtyWorktreeError, GitRefMovedError, GitRefNotFoundError } from "./errors.ts";
import type { StoreContext } from "./store-context.ts";
import { withTrailers, type Trailers } from "./trailers.ts";
import { changesInTheWay, splitZ } from "./worktree-guard.ts";

export interface MergeBranchInput {
  /** Branch (or any commit-ish) to merge, e.g. `ateams/launch/research`. */
  source: string;
  /** Branch that receives the merge commit. */
  into: string;
  message: string;
  trailers?: Trailers;
}

export type MergeResult =
  | { status: "merged"; sha: string }
  /** `source` is already part of `into`: no commit was made. */
  | { status: "up-to-date"; sha: string }
  /** Nothing was changed; `sha` is `into`'s untouched tip. */
  | { status: "conflict"; sha: string; paths: string[] };

const MAX_ATTEMPTS = 5;

export async function mergeBranch(ctx: StoreContext, input: MergeBranchInput): Promise<MergeResult> {
  const ref = await ctx.branchRef(input.into);
  const message = withTrailers(input.message, input.trailers ?? {});
  return ctx.withBranchLock(input.into, async () => {
    let last: { expected: string; actual: string | undefined } | undefined;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const source = await ctx.resolveCommit(input.source);
      if (source === undefined) throw new GitRefNotFoundError(input.source);
      const into = await ctx.resolveCommit(ref);
      if (into === undefined) throw new GitRefNotFoundError(ref);
      if (await ctx.isAncestor(source, into)) return { status: "up-to-date", sha: into };

      // Merge in memory first: conflicts are found without touching any working tree.
      const mt = await ctx.git.run(["merge-tree", "--write-tree", "--name-only", "--no-messages", "-z", into, source], { ok: [0, 1] });
      const [tree = "", ...conflicted] = mt.stdout.split("\0");
      if (mt.exitCode === 1) return { status: "conflict", sha: into, paths: splitZ(conflicted.join("\0")) };

      if (ctx.workTree !== undefined && (await ctx.checkedOutRef()) === ref) {
        return mergeInWorktree(ctx, { into, source, tree, message });
      }
      const commit = await ctx.writeCommit(tree, [into, source], message);
      if (await ctx.casUpdateRef(ref, commit, into, `ateams: merge ${input.source} into ${input.into}`)) {
        return { status: "merged", sha: commit };
      }
      last = { expected: into, actual: await ctx.resolveCommit(ref) };
    }
    throw new GitRefMovedError(ref, last?.expected, last?.actual, MAX_ATTEMPTS);
  });
}

/** A real `git merge --no-ff`, so the user's checkout, index and reflog follow it like any merge they ran. */
async function mergeInWorktree(
  ctx: StoreContext,
  m: { into: string; source: string; tree: string; message: string },
): Promise<MergeResult> {
  const git = ctx.git;
  // git merge refuses to start with anything staged, or when it would overwrite local edits or untracked files.
  const inTheWay = await changesInTheWay(git, m.into, m.tree, { anyStaged: true });
  if (inTheWay.length) throw new GitDirtyWorktreeError("merge", inTheWay);

  const env = await ctx.identityEnv();
  // --no-verify: commits made with plumbing never run hooks, so merges do not either; --cleanup=verbatim keeps the
  // trailer block exactly as written.
  const args = ["merge", "--no-ff", "--no-edit", "--no-verify", "--cleanup=verbatim", "-m", m.message, m.source];
  try {
    await git.run(args, { env });
  } catch (e) {
    if (!(e instanceof GitCommandError)) throw e;
    const merging = await git.run(["rev-parse", "-q", "--verify", "MERGE_HEAD"], { ok: [0, 1] });
    if (merging.exitCode !== 0) throw e;
    const paths = splitZ((await git.run(["diff", "--name-only", "--diff-filter=U", "-z"])).stdout);
    await git.run(["merge", "--abort"]);
    return { status: "conflict", sha: m.into, paths };
  }
  const head = await git.text(["rev-parse", "HEAD"]);
  return { status: "merged", sha: head };
}
