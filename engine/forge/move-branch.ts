// Points a branch at another commit as a compare-and-swap, for callers that decide where a branch belongs (a
// merged stream restarting from the working branch). The checked-out branch brings its working tree along.
import { GitRefNotFoundError } from "./errors.ts";
import { readCommitHeader } from "./object-reader.ts";
import type { StoreContext } from "./store-context.ts";
import { followInWorktree } from "./worktree-follow.ts";

export async function moveBranch(ctx: StoreContext, branch: string, to: string, expected: string | undefined): Promise<boolean> {
  const ref = await ctx.branchRef(branch);
  return ctx.withBranchLock(branch, async () => {
    const next = await readCommitHeader(ctx.reader, `${to}^{commit}`);
    if (next === undefined) throw new GitRefNotFoundError(to);
    const want = expected === undefined ? undefined : await ctx.resolveCommit(expected);
    if (expected !== undefined && want === undefined) return false; // a branch cannot be at a commit that does not exist
    const current = await readCommitHeader(ctx.reader, `${ref}^{commit}`);
    // Checked here too (no process), so a lost race costs nothing and never touches the working tree.
    if (current?.oid !== want) return false;
    if (current?.oid === next.oid) return true;
    if (ctx.workTree !== undefined && (await ctx.checkedOutRef()) === ref) await followInWorktree(ctx, "move branch", current?.tree, next.tree);
    return ctx.casUpdateRef(ref, next.oid, want, `ateams: move ${branch} to ${next.oid}`);
  });
}
