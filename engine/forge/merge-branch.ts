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
  /** As commitFiles' onCommit: the merge commit and its parents, before `into` can point at it. */
  onCommit?: (sha: string, parents: readonly string[]) => void;
}

export type MergeResult =
  | { status: "merged"; sha: string }
  /** `source` is already part of `into`: no commit was made. */
  | { status: "up-to-date"; sha: string }
  /** Nothing was changed; `sha` is `into`'s untouched tip. */
  | { status: "conflict"; sha: string; paths: string[] };

const MAX_ATTEMPTS = 5;

/**
 * Merges `source` into `into` with a two-parent merge commit: computed in memory (`merge-tree --write-tree`), so a
 * conflict changes nothing; into the checked-out branch, the paths it changes are written and staged (refused first
 * when the user has changes on any of them) before the ref moves, and other local changes stay as they are.
 */
export async function mergeBranch(ctx: StoreContext, input: MergeBranchInput): Promise<MergeResult> {
  const ref = await ctx.branchRef(input.into);
  const message = withTrailers(input.message, input.trailers ?? {});
  return ctx.withBranchLock(input.into, async () => {
    let last: { expected: string; actual: string | undefined } | undefined;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const source = await ctx.resolveCommit(input.source);
      if (source === undefined) throw new GitRefNotFoundError(input.source);
      const tip = await readCommitHeader(ctx.reader, `${ref}^{commit}`);
      if (tip === undefined) throw new GitRefNotFoundError(ref);
      // Merged just now (or the same commit): known without asking git.
      if (source === tip.oid || tip.parents.includes(source)) return { status: "up-to-date", sha: tip.oid };
      const mt = await ctx.git.run(["merge-tree", "--write-tree", "--name-only", "--no-messages", "-z", tip.oid, source], { ok: [0, 1] });
      const [tree = "", ...conflicted] = mt.stdout.split("\0");
      if (mt.exitCode === 1) return { status: "conflict", sha: tip.oid, paths: splitZ(conflicted.join("\0")) };
      // When `source` is in `into`'s history the merge base is `source` itself and the result is `into`'s tree, so
      // only an unchanged tree needs the ancestry question.
      if (tree === tip.tree && (await ctx.isAncestor(source, tip.oid))) return { status: "up-to-date", sha: tip.oid };
      const sha = await ctx.writeCommit(tree, [tip.oid, source], message);
      input.onCommit?.(sha, [tip.oid, source]);
      if (ctx.workTree !== undefined && (await ctx.checkedOutRef()) === ref) await followInWorktree(ctx, "merge", tip.tree, tree);
      if (await ctx.casUpdateRef(ref, sha, tip.oid, `ateams: merge ${input.source} into ${input.into}`)) return { status: "merged", sha };
      last = { expected: tip.oid, actual: await ctx.resolveCommit(ref) };
    }
    throw new GitRefMovedError(ref, last?.expected, last?.actual, MAX_ATTEMPTS);
  });
}
