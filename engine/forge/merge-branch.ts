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

/** One source of `mergeBranches`: merged into the batch's `into` with its own merge commit. */
export type MergeBranchesInput = Omit<MergeBranchInput, "into">;

const MAX_ATTEMPTS = 5;

export async function mergeBranch(ctx: StoreContext, input: MergeBranchInput): Promise<MergeResult> {
  const [result] = await mergeBranches(ctx, [input], input.into);
  return result!;
}

/**
 * Merges each source in turn into `into`: the same chain of merge commits (and the same results) as `mergeBranch`
 * for each, but under one branch lock and, on the checked-out branch, with one check for the user's changes and one
 * working-tree sync over the paths the whole chain changes, then one compare-and-swap from the tip to the last merge
 * commit. A conflicting source is skipped; the chain goes on from the last commit. A missing ref or changes of the
 * user in the way refuse the whole batch before anything moves.
 */
export async function mergeBranches(ctx: StoreContext, inputs: readonly MergeBranchesInput[], into: string): Promise<MergeResult[]> {
  const ref = await ctx.branchRef(into);
  const messages = inputs.map((input) => withTrailers(input.message, input.trailers ?? {}));
  if (!inputs.length) return [];
  return ctx.withBranchLock(into, async () => {
    let last: { expected: string; actual: string | undefined } | undefined;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const sources = await Promise.all(inputs.map((input) => ctx.resolveCommit(input.source)));
      const missing = sources.findIndex((s) => s === undefined);
      if (missing >= 0) throw new GitRefNotFoundError(inputs[missing]!.source);
      const tip = await readCommitHeader(ctx.reader, `${ref}^{commit}`);
      if (tip === undefined) throw new GitRefNotFoundError(ref);

      // The chain grows in memory: each merge commit is written (merge-tree needs it as the next `into`), the ref
      // does not move yet.
      let head = { oid: tip.oid, tree: tip.tree, parents: tip.parents };
      const results: MergeResult[] = [];
      const merged: string[] = [];
      for (const [i, source] of sources.entries()) {
        // Merged just now (or the same commit): known without asking git.
        if (source === head.oid || head.parents.includes(source!)) {
          results.push({ status: "up-to-date", sha: head.oid });
          continue;
        }
        // Merge in memory first: conflicts are found without touching any working tree.
        const mt = await ctx.git.run(["merge-tree", "--write-tree", "--name-only", "--no-messages", "-z", head.oid, source!], { ok: [0, 1] });
        const [tree = "", ...conflicted] = mt.stdout.split("\0");
        if (mt.exitCode === 1) {
          results.push({ status: "conflict", sha: head.oid, paths: splitZ(conflicted.join("\0")) });
          continue;
        }
        // When `source` is in `into`'s history the merge base is `source` itself and the result is `into`'s tree, so
        // only an unchanged tree needs the ancestry question.
        if (tree === head.tree && (await ctx.isAncestor(source!, head.oid))) {
          results.push({ status: "up-to-date", sha: head.oid });
          continue;
        }
        const parents = [head.oid, source!];
        head = { oid: await ctx.writeCommit(tree, parents, messages[i]!), tree, parents };
        results.push({ status: "merged", sha: head.oid });
        merged.push(inputs[i]!.source);
      }
      if (head.oid === tip.oid) return results;

      // Into the checked-out branch like commitFiles: the paths the chain changes are written and staged (refused
      // first when the user has changes on any of them), before the ref moves; other local changes stay as they are.
      if (ctx.workTree !== undefined && (await ctx.checkedOutRef()) === ref) await followInWorktree(ctx, "merge", tip.tree, head.tree);
      if (await ctx.casUpdateRef(ref, head.oid, tip.oid, `ateams: merge ${merged.join(", ")} into ${into}`)) return results;
      last = { expected: tip.oid, actual: await ctx.resolveCommit(ref) };
    }
    throw new GitRefMovedError(ref, last?.expected, last?.actual, MAX_ATTEMPTS);
  });
}
