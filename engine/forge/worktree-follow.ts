// Moving the checked-out branch to another commit (a merge commit, a branch move) with plumbing: the paths that
// differ between the two trees are found in memory, refused when the user has changes on any of them, then written
// into the working tree and staged as exactly the new blobs. Every other change of the user, staged or not, stays
// as it was, as with `git commit --only`. The caller moves the ref afterwards (a compare-and-swap).
import { lstat, readFile, readlink } from "node:fs/promises";
import { join } from "node:path";
import { GitDirtyWorktreeError, UnsafePathError } from "./errors.ts";
import { assertSafeRepoPath } from "./safe-path.ts";
import type { StoreContext } from "./store-context.ts";
import { refuseKindChanges, syncWorktree, type WorktreeFile } from "./sync-worktree.ts";
import { diffTrees, type TreeSide } from "./tree-diff.ts";
import { canonicalMode, TREE_MODE } from "./tree-format.ts";
import type { FileMode } from "./tree-builder.ts";
import { localChanges, type LocalChange } from "./worktree-guard.ts";

const SUBMODULE_MODE = "160000";

/**
 * A local change that already is what we are about to write loses nothing when we write it: the file (or its
 * absence) equals the target byte for byte, and the index holds nothing else of the user's. That is the state an
 * interrupted earlier attempt leaves (files written, then `update-index` failed on a stale index.lock, or the ref
 * moved under us after staging), so the next attempt completes instead of refusing over our own work.
 */
async function alreadyThere(ctx: StoreContext, workTree: string, local: LocalChange, to: TreeSide | undefined): Promise<boolean> {
  if (local.staged === "U") return false;
  const abs = join(workTree, local.path);
  const st = await lstat(abs).catch(() => undefined);
  if (to === undefined) return st === undefined && (local.staged === "." || local.staged === "D");
  const indexOk = local.staged === "." || local.staged === "?" || (local.index?.blob === to.oid && local.index.mode === canonicalMode(to.mode));
  if (!indexOk || st === undefined) return false;
  const bytes = to.mode === "120000" ? (st.isSymbolicLink() ? await readlink(abs, { encoding: "buffer" }) : undefined) : st.isFile() ? await readFile(abs) : undefined;
  if (bytes === undefined) return false;
  const blob = await ctx.reader.read(to.oid);
  return blob?.type === "blob" && blob.content.equals(bytes);
}

/**
 * Brings the working tree and index of the checked-out branch from `fromTree` (its tip's tree; undefined while it is
 * unborn) to `toTree`. Refuses before anything is written: `UnsafePathError` for what the working tree cannot follow
 * (a file becoming a directory or back, a submodule, a path that is not UTF-8 or not safe, a symlinked directory on
 * the way), `GitDirtyWorktreeError` when a changed path has a staged change, an unstaged edit or an untracked file
 * (or directory) in the way, unless it already is exactly what we would write. Files are written as stored, without
 * smudge filters or line-ending conversion.
 */
export async function followInWorktree(ctx: StoreContext, operation: string, fromTree: string | undefined, toTree: string): Promise<void> {
  const workTree = ctx.workTree;
  if (workTree === undefined) throw new Error("followInWorktree needs a working tree");
  const changes = await diffTrees(ctx.reader, fromTree, toTree);
  if (!changes.length) return;

  const replaced: string[] = [];
  const paths = changes.map((c) => {
    const path = Buffer.from(c.path, "latin1").toString("utf8");
    if (Buffer.from(path, "utf8").toString("latin1") !== c.path) throw new UnsafePathError(path, "not UTF-8");
    assertSafeRepoPath(path);
    if (c.from?.mode === SUBMODULE_MODE || c.to?.mode === SUBMODULE_MODE) throw new UnsafePathError(path, "a submodule change the working tree cannot follow");
    if (c.from?.mode === TREE_MODE || c.to?.mode === TREE_MODE) replaced.push(path);
    return path;
  });
  refuseKindChanges(replaced);

  const targets = new Map(paths.map((p, i) => [p, changes[i]!.to]));
  const inTheWay = new Set<string>();
  for (const local of await localChanges(ctx.git, paths)) {
    const to = targets.get(local.path);
    if (!targets.has(local.path) || !(await alreadyThere(ctx, workTree, local, to))) inTheWay.add(local.path);
  }
  if (inTheWay.size) throw new GitDirtyWorktreeError(operation, [...inTheWay].sort());

  const files: WorktreeFile[] = [];
  const staged: { path: string; mode: FileMode; blob: string }[] = [];
  const unstaged: string[] = [];
  // Requests are pipelined: every blob is asked for before the first answer is awaited.
  const contents = await Promise.all(
    changes.map(async (c) => {
      if (!c.to) return null;
      const blob = await ctx.reader.read(c.to.oid);
      if (blob?.type !== "blob") throw new Error(`blob ${c.to.oid} is missing`);
      return blob.content;
    }),
  );
  for (const [i, c] of changes.entries()) {
    const path = paths[i]!;
    if (!c.to) {
      files.push({ path, content: null });
      unstaged.push(path);
      continue;
    }
    const mode = canonicalMode(c.to.mode) as FileMode;
    files.push({ path, content: contents[i]!, mode });
    staged.push({ path, mode, blob: c.to.oid });
  }
  await syncWorktree(ctx.git, workTree, operation, { files, staged, unstaged, replaced: [] });
}
