// One finished task → at most one commit on its branch, written with plumbing so any branch can be committed to while
// the user works on another, and made idempotent: the same files again produce no commit at all.
import { setTimeout as sleep } from "node:timers/promises";
import { GitRefMovedError, GitRefNotFoundError } from "./errors.ts";
import { assertSafeRepoPaths } from "./safe-path.ts";
import { redact } from "../secrets/redact.ts";
import type { StoreContext } from "./store-context.ts";
import { syncWorktree } from "./sync-worktree.ts";
import { withTrailers, type Trailers } from "./trailers.ts";
import { buildTree, type FileChange } from "./tree-builder.ts";

export interface CommitFilesInput {
  /** Short branch name, e.g. `ateams/launch/research`. */
  branch: string;
  /** Where a branch that does not exist yet starts; default: the current HEAD commit (none in a fresh repo). */
  base?: string;
  files: readonly FileChange[];
  /** First line is the subject, the rest the body; trailers are appended as the last paragraph. */
  message: string;
  trailers?: Trailers;
  /**
   * On the checked-out branch, whether to write the files into the working tree (default true). A caller that
   * already wrote them (and may have written newer content since) passes false: only the index is updated.
   */
  writeWorktree?: boolean;
  /**
   * Told of the commit object with its parents once it is written and before the branch can point at it, so a
   * caller that reads refs meanwhile already knows it (a retry after a lost race writes, and tells, another).
   */
  onCommit?: (sha: string, parents: readonly string[]) => void;
}

export interface CommitResult {
  /** The branch tip afterwards: the new commit, or the unchanged tip when nothing differed. */
  sha: string;
  /** False when the files already had this content (a re-run): no commit was made. */
  changed: boolean;
  /** True when this call created the branch. */
  created: boolean;
  /**
   * What the files were applied to: the branch's tip before, or the base a new branch started from (undefined for
   * the first commit of a repository). Equal to `sha` when nothing changed.
   */
  parent: string | undefined;
}

// Retries only matter when another process moves the ref; writers in this process queue on the branch lock.
const MAX_ATTEMPTS = 8;

export async function commitFiles(ctx: StoreContext, input: CommitFilesInput): Promise<CommitResult> {
  const ref = await ctx.branchRef(input.branch);
  assertSafeRepoPaths(input.files.map((f) => f.path));
  // The last net before git: no secret reaches a committed file. Callers redact first (the model boundary, the
  // status serializer), so this changes nothing unless something slipped past them.
  input = { ...input, files: input.files.map((f) => (typeof f.content === "string" ? { ...f, content: redact(f.content) } : f)) };
  const message = withTrailers(input.message, input.trailers ?? {});
  return ctx.withBranchLock(input.branch, async () => {
    let last: { expected: string | undefined; actual: string | undefined } | undefined;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      // Jitter after a lost race, so two processes stop recomputing the same commit in lockstep.
      if (attempt > 1) await sleep(Math.random() * 20 * attempt);
      const current = await ctx.resolveCommit(ref);
      const parent = current ?? (await startingPoint(ctx, input.base));
      const built = await buildTree(ctx, parent, input.files);

      if (parent !== undefined && built.tree === built.parentTree) {
        if (current !== undefined) return { sha: current, changed: false, created: false, parent: current };
        // A new branch whose files match its base: create it there rather than add an empty commit.
        if (await ctx.casUpdateRef(ref, parent, undefined, `ateams: branch ${input.branch} from ${parent}`)) {
          return { sha: parent, changed: false, created: true, parent };
        }
        last = { expected: undefined, actual: await ctx.resolveCommit(ref) };
        continue;
      }

      const [commit, checkedOut] = await Promise.all([
        ctx.writeCommit(built.tree, parent ? [parent] : [], message),
        ctx.workTree !== undefined && ctx.checkedOutRef().then((r) => r === ref),
      ]);
      input.onCommit?.(commit, parent ? [parent] : []);
      // Worktree and index first: if we die before the ref moves, the user sees our files staged, not a commit
      // whose content their index silently reverts.
      if (checkedOut) {
        const modes = new Map(built.written.map((w) => [w.path, w.mode]));
        await syncWorktree(ctx.git, ctx.workTree!, "commit", {
          files: input.writeWorktree === false ? [] : input.files.map((f) => ({ path: f.path, content: f.content, mode: modes.get(f.path) })),
          staged: built.written,
          unstaged: built.deleted,
          replaced: built.replaced,
        });
      }
      // Through the long-lived update-ref (no process), whose reflog message is the fixed COMMIT_REFLOG_MESSAGE.
      if (await ctx.casUpdateRef(ref, commit, current)) {
        return { sha: commit, changed: true, created: current === undefined, parent };
      }
      last = { expected: current, actual: await ctx.resolveCommit(ref) };
    }
    throw new GitRefMovedError(ref, last?.expected, last?.actual, MAX_ATTEMPTS);
  });
}

async function startingPoint(ctx: StoreContext, base: string | undefined): Promise<string | undefined> {
  if (base === undefined) return ctx.resolveCommit("HEAD");
  const sha = await ctx.resolveCommit(base);
  if (sha === undefined) throw new GitRefNotFoundError(base);
  return sha;
}
