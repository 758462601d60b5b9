// When the branch we commit to is the one checked out, the user's working tree and index must agree with the new
// commit for exactly the paths we wrote (`git commit --only -- <paths>` semantics); every other change they have,
// staged or not, stays as it was.
import { chmod, lstat, mkdir, rename, rmdir, unlink, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { UnsafePathError } from "./errors.ts";
import type { GitRunner } from "./git-runner.ts";
import type { BuiltTree, FileChange } from "./tree-builder.ts";

// Keeps each command line far below ARG_MAX however many files a task writes.
const CHUNK = 200;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

async function lstatOrUndefined(path: string) {
  try {
    return await lstat(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw e;
  }
}

/** A symlinked directory in the worktree would carry our write outside the repository. */
async function refuseSymlinkedParents(workTree: string, path: string): Promise<void> {
  const parts = path.split("/").slice(0, -1);
  for (let i = 1; i <= parts.length; i++) {
    const st = await lstatOrUndefined(join(workTree, ...parts.slice(0, i)));
    if (st === undefined) return;
    if (st.isSymbolicLink()) throw new UnsafePathError(path, `'${parts.slice(0, i).join("/")}' is a symlink in the working tree`);
  }
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

export async function syncWorktree(git: GitRunner, workTree: string, files: readonly FileChange[], built: BuiltTree): Promise<void> {
  // A checkout would have to remove the user's file (or directory, with whatever untracked files it holds) to make
  // room; refused before anything is written, like any change git could not make without losing theirs.
  const [kindChange] = built.replaced;
  if (kindChange !== undefined) {
    throw new UnsafePathError(kindChange, "would turn a file into a directory or a directory into a file in the checked-out working tree");
  }
  const modes = new Map(built.written.map((w) => [w.path, w.mode]));
  for (const f of files) {
    await refuseSymlinkedParents(workTree, f.path);
    const abs = join(workTree, f.path);
    const st = await lstatOrUndefined(abs);
    // Replace a symlink rather than write through it.
    if (st && (f.content === null || st.isSymbolicLink())) await unlink(abs);
    if (f.content === null) {
      await pruneEmptyParents(workTree, f.path);
      continue;
    }
    await mkdir(dirname(abs), { recursive: true });
    // Written beside and renamed into place: a reader (the engine re-planning from the working tree) never sees a
    // half-written file.
    const tmp = join(dirname(abs), `.${basename(abs)}.ateams-${process.pid}-${Math.random().toString(36).slice(2)}`);
    await writeFile(tmp, typeof f.content === "string" ? Buffer.from(f.content, "utf8") : f.content);
    await rename(tmp, abs);
    // Otherwise the file keeps the mode it had, or the user's umask decides, as with a checkout.
    if (modes.get(f.path) === "100755") await chmod(abs, 0o755);
  }
  // Stage exactly our blobs (not a re-hash of the files, which filters could alter), then let git pick up the
  // files' stat data so `git status` does not report them as modified.
  for (const part of chunks(built.written)) {
    await git.run(["update-index", "--add", ...part.flatMap((w) => ["--cacheinfo", `${w.mode},${w.blob},${w.path}`])]);
  }
  for (const part of chunks(built.deleted)) await git.run(["update-index", "--force-remove", "--", ...part]);
  await git.run(["update-index", "-q", "--refresh"], { ok: [0, 1] });
}
