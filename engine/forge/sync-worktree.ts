// When a branch we move is the one checked out (a commit, a merge), the user's working tree and index must agree
// with the new commit for exactly the paths it changed (`git commit --only -- <paths>` semantics); every other change
// they have, staged or not, stays as it was.
import { chmod, lstat, mkdir, rename, rmdir, symlink, unlink, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { GitDirtyWorktreeError, UnsafePathError } from "./errors.ts";
import type { GitRunner } from "./git-runner.ts";
import type { FileMode } from "./tree-builder.ts";

export interface WorktreeFile {
  path: string;
  /** Bytes to write (for a symlink: its target); null removes the file. */
  content: string | Uint8Array | null;
  /** Default 100644. */
  mode?: FileMode | undefined;
}

export interface WorktreeUpdate {
  /** Files to put in (or take out of) the working tree. */
  files: readonly WorktreeFile[];
  /** Index entries to set to exactly these blobs. */
  staged: readonly { path: string; mode: FileMode; blob: string }[];
  /** Paths to take out of the index. */
  unstaged: readonly string[];
  /** Paths whose file becomes a directory or back (refused: the working tree cannot follow). */
  replaced: readonly string[];
}

// Keeps each command line far below ARG_MAX (and any one argument below Linux's 128 KiB) however many files change.
const ARGS_BYTES = 100_000;

async function lstatOrUndefined(path: string) {
  try {
    return await lstat(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return undefined;
    throw e;
  }
}

/**
 * Before anything is written: a symlinked directory would carry the write outside the repository (refused as
 * unsafe), and a file where a directory must go or a directory where a file must go is the user's (untracked, or
 * empty and invisible to git): we refuse rather than remove it.
 */
async function refuseWhatIsInTheWay(workTree: string, operation: string, f: WorktreeFile, dirsSeen: Set<string>): Promise<void> {
  const parts = f.path.split("/");
  for (let i = 1; i < parts.length; i++) {
    const prefix = parts.slice(0, i).join("/");
    if (dirsSeen.has(prefix)) continue;
    const st = await lstatOrUndefined(join(workTree, prefix));
    if (st === undefined) return;
    if (st.isSymbolicLink()) throw new UnsafePathError(f.path, `'${prefix}' is a symlink in the working tree`);
    if (!st.isDirectory()) {
      if (f.content === null) return; // nothing to remove below a file
      throw new GitDirtyWorktreeError(operation, [prefix]);
    }
    dirsSeen.add(prefix);
  }
  if (f.content === null) return;
  const st = await lstatOrUndefined(join(workTree, f.path));
  if (st?.isDirectory()) throw new GitDirtyWorktreeError(operation, [f.path]);
}

/** Removes directories left empty by a delete, as git does on checkout; stops at the first non-empty one. */
async function pruneEmptyParents(workTree: string, path: string): Promise<void> {
  for (let dir = dirname(path); dir !== "." && dir !== ""; dir = dirname(dir)) {
    try {
      await rmdir(join(workTree, dir));
    } catch {
      return;
    }
  }
}

async function writeOne(workTree: string, f: WorktreeFile & { content: string | Uint8Array }): Promise<void> {
  const abs = join(workTree, f.path);
  const st = await lstatOrUndefined(abs);
  // Replace a symlink rather than write through it.
  if (st?.isSymbolicLink()) await unlink(abs);
  await mkdir(dirname(abs), { recursive: true });
  // Written beside and renamed into place: a reader (the engine re-planning from the working tree) never sees a
  // half-written file.
  const tmp = join(dirname(abs), `.${basename(abs)}.ateams-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const bytes = typeof f.content === "string" ? Buffer.from(f.content, "utf8") : f.content;
  if (f.mode === "120000") await symlink(Buffer.from(bytes), tmp);
  else await writeFile(tmp, bytes);
  // Otherwise the new file gets what the user's umask gives, as with a checkout.
  if (f.mode === "100755") await chmod(tmp, 0o755);
  await rename(tmp, abs);
}

/**
 * A checkout would have to remove the user's file (or directory, with whatever untracked files it holds) to make
 * room; refused before anything is written, like any change git could not make without losing theirs.
 */
export function refuseKindChanges(replaced: readonly string[]): void {
  const [kindChange] = replaced;
  if (kindChange !== undefined) {
    throw new UnsafePathError(kindChange, "would turn a file into a directory or a directory into a file in the checked-out working tree");
  }
}

export async function syncWorktree(git: GitRunner, workTree: string, operation: string, update: WorktreeUpdate): Promise<void> {
  refuseKindChanges(update.replaced);
  const dirsSeen = new Set<string>();
  for (const f of update.files) await refuseWhatIsInTheWay(workTree, operation, f, dirsSeen);
  for (const f of update.files) {
    if (f.content !== null) {
      await writeOne(workTree, { ...f, content: f.content });
      continue;
    }
    const st = await lstatOrUndefined(join(workTree, f.path));
    if (st && !st.isDirectory()) await unlink(join(workTree, f.path));
    await pruneEmptyParents(workTree, f.path);
  }
  await stage(git, update);
}

/**
 * Stages exactly our blobs (not a re-hash of the files, which filters could alter), removes deleted paths, and lets
 * git pick up the files' stat data so `git status` does not report them as modified: one `update-index` (more only
 * for thousands of paths). --refresh after --cacheinfo in the same run refreshes the new entries too; with -q it
 * exits 0 when a file differs from what we staged (a caller that wrote newer content), and 128 on a real error.
 */
async function stage(git: GitRunner, update: WorktreeUpdate): Promise<void> {
  if (!update.staged.length && !update.unstaged.length) return;
  // `./` keeps a path that starts with "-" from being read as an option; update-index normalises it away.
  const items = [
    ...update.staged.map((w) => ({ remove: false, arg: `${w.mode},${w.blob},${w.path}` })),
    ...update.unstaged.map((path) => ({ remove: true, arg: `./${path}` })),
  ];
  const runs: string[][] = [];
  let args: string[] = [];
  let bytes = 0;
  let removing = false;
  for (const item of items) {
    if (args.length && bytes + item.arg.length > ARGS_BYTES) {
      runs.push(args);
      [args, bytes, removing] = [[], 0, false];
    }
    if (item.remove && !removing) args.push("--force-remove");
    if (!item.remove) args.push(...(args.length ? [] : ["--add"]), "--cacheinfo");
    removing = item.remove;
    args.push(item.arg);
    bytes += item.arg.length + 16;
  }
  runs.push(args);
  for (const [i, run] of runs.entries()) {
    await git.run(["update-index", ...run, ...(i === runs.length - 1 ? ["-q", "--refresh"] : [])], { ok: [0, 1] });
  }
}
