// Brings a stream branch into the working branch with a merge commit. A conflict is an outcome the run reports (the
// stream needs rework), not a crash, and it never leaves a half-merged working tree behind.
import { GitRefMovedError, GitRefNotFoundError } from "./errors.ts";
import { readCommitHeader } from "./object-reader.ts";
import type { StoreContext } from "./store-context.ts";
import { withTrailers, type Trailers } from "./trailers.ts";
import { followInWorktree } from "./worktree-follow.ts";
import { splitZ } from "./worktree-guard.ts";

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
      const into = await readCommitHeader(ctx.reader, `${ref}^{commit}`);
      if (into === undefined) throw new GitRefNotFoundError(ref);
      // Merged just now (or the same commit): known without asking git.
      if (source === into.oid || into.parents.includes(source)) return { status: "up-to-date", sha: into.oid };

      // Merge in memory first: conflicts are found without touching any working tree.
      const mt = await ctx.git.run(["merge-tree", "--write-tree", "--name-only", "--no-messages", "-z", into.oid, source], { ok: [0, 1] });
      const [tree = "", ...conflicted] = mt.stdout.split("\0");
      if (mt.exitCode === 1) return { status: "conflict", sha: into.oid, paths: splitZ(conflicted.join("\0")) };
      // When `source` is in `into`'s history the merge base is `source` itself and the result is `into`'s tree, so
      // only an unchanged tree needs the ancestry question.
      if (tree === into.tree && (await ctx.isAncestor(source, into.oid))) return { status: "up-to-date", sha: into.oid };

      const commit = await ctx.writeCommit(tree, [into.oid, source], message);
      // Into the checked-out branch like commitFiles: the merged paths are written and staged (refused first when
      // the user has changes on any of them), before the ref moves; other local changes stay as they are.
      if (ctx.workTree !== undefined && (await ctx.checkedOutRef()) === ref) await followInWorktree(ctx, "merge", into.tree, tree);
      if (await ctx.casUpdateRef(ref, commit, into.oid, `ateams: merge ${input.source} into ${input.into}`)) {
        return { status: "merged", sha: commit };
      }
      last = { expected: into.oid, actual: await ctx.resolveCommit(ref) };
    }
    throw new GitRefMovedError(ref, last?.expected, last?.actual, MAX_ATTEMPTS);
  });
}
