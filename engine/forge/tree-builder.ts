// Builds "parent's tree with these files written or deleted" from objects alone: the trees along the changed paths
// are read (cat-file), edited in memory, and written bottom-up (mktree, which names them), so committing to a branch
// never touches the user's index or working tree. The result is what the index-based method (read-tree,
// update-index, write-tree) writes: every tree on a changed path is rebuilt the way write-tree would, every other one
// is kept by id.
import { UnsafePathError } from "./errors.ts";
import type { ObjectReader } from "./object-reader.ts";
import type { ObjectWriter } from "./object-writer.ts";
import { canonicalMode, isEmptyTree, nameBytes, TREE_MODE, type TreeEntry } from "./tree-format.ts";

export interface FileChange {
  /** Repo-relative, `/`-separated; validated by the caller. */
  path: string;
  /** Stored byte-exact (no clean filters, no line-ending conversion); `null` deletes the path. */
  content: string | Uint8Array | null;
}

/** A file's mode in a tree: regular, executable, symlink. */
export type FileMode = "100644" | "100755" | "120000";

export interface WrittenEntry {
  path: string;
  mode: "100644" | "100755";
  blob: string;
}

export interface BuiltTree {
  tree: string;
  /** The parent's root tree (undefined without a parent): equal to `tree` when the files changed nothing. */
  parentTree: string | undefined;
  written: WrittenEntry[];
  deleted: string[];
  /** Paths whose file became a directory, or whose directory became a file, to make room for a written path. */
  replaced: string[];
}

/** A directory on a changed path: its entries by name, and the subdirectories being rebuilt too. */
interface Dir {
  entries: Map<string, TreeEntry>;
  subdirs: Map<string, Dir>;
}

const newDir = (entries: readonly TreeEntry[] = []): Dir => ({ entries: new Map(entries.map((e) => [e.name, e])), subdirs: new Map() });

type Objects = { reader: ObjectReader; writer: ObjectWriter };

/**
 * The tree of `parent` with `files` applied, written: the parent's trees along the changed paths are read, the new
 * blobs stored, and every tree on a changed path written again, bottom-up. Nothing points at them until a commit does.
 */
export async function buildTree(objects: Objects, parent: string | undefined, files: readonly FileChange[]): Promise<BuiltTree> {
  const writes = files.filter((f): f is FileChange & { content: string | Uint8Array } => f.content !== null);
  const deletes = files.filter((f) => f.content === null);
  refuseFileAndDirectory(writes.map((f) => f.path));
  const split = (f: FileChange) => f.path.split("/").map(nameBytes);

  const [base, blobs] = await Promise.all([
    (async () => {
      if (parent === undefined) return { oid: undefined, root: newDir() };
      const tree = await objects.reader.readTree(`${parent}^{tree}`);
      if (!tree) throw new Error(`commit ${parent} has no readable tree`);
      const root = newDir(tree.entries);
      await loadAlong(objects.reader, root, files.map(split));
      return { oid: tree.oid, root };
    })(),
    Promise.all(writes.map((f) => objects.writer.writeBlob(f.content))),
  ]);

  const replaced = kindChanges(base.root, writes.map((f) => f.path));
  // Deletes first: deleting `a` and writing `a/b` in one commit turns the file into a directory.
  for (const f of deletes) {
    const parts = split(f);
    const dir = dirAt(base.root, parts.slice(0, -1), false);
    const leaf = parts.at(-1)!;
    if (dir && !dir.subdirs.has(leaf) && dir.entries.get(leaf)?.mode !== TREE_MODE) dir.entries.delete(leaf);
  }
  const written = writes.map((f, i): WrittenEntry => {
    const parts = split(f);
    const dir = dirAt(base.root, parts.slice(0, -1), true)!;
    const leaf = parts.at(-1)!;
    const old = dir.subdirs.delete(leaf) ? undefined : dir.entries.get(leaf);
    // An executable file stays executable when an agent rewrites its content.
    const mode = old && old.mode !== TREE_MODE && canonicalMode(old.mode) === "100755" ? "100755" : "100644";
    dir.entries.set(leaf, { mode, name: leaf, oid: blobs[i]! });
    return { path: f.path, mode, blob: blobs[i]! };
  });

  // No change at all keeps the parent's tree as it is, as write-tree did from an untouched index; the root is
  // written even when empty (deleting every file leaves the empty tree).
  const tree = files.length || base.oid === undefined ? await objects.writer.writeTree(await entriesOf(objects.writer, base.root)) : base.oid;
  return { tree, parentTree: base.oid, written, deleted: deletes.map((f) => f.path), replaced };
}

/** Writing `a` and `a/b` in one commit has no meaning; refused before anything is written. */
function refuseFileAndDirectory(paths: readonly string[]): void {
  const set = new Set(paths);
  for (const p of paths) {
    for (let i = p.indexOf("/"); i > 0; i = p.indexOf("/", i + 1)) {
      if (set.has(p.slice(0, i))) throw new UnsafePathError(p.slice(0, i), "written both as a file and as a directory");
    }
  }
}

/** Reads every existing tree the paths pass through (siblings in parallel). */
async function loadAlong(reader: ObjectReader, dir: Dir, paths: readonly string[][]): Promise<void> {
  const below = new Map<string, string[][]>();
  for (const parts of paths) {
    if (parts.length < 2) continue;
    const list = below.get(parts[0]!) ?? below.set(parts[0]!, []).get(parts[0]!)!;
    list.push(parts.slice(1));
  }
  await Promise.all(
    [...below].map(async ([name, rest]) => {
      const entry = dir.entries.get(name);
      if (entry?.mode !== TREE_MODE) return;
      const tree = await reader.readTree(entry.oid);
      if (!tree) throw new Error(`tree ${entry.oid} is missing`);
      const sub = newDir(tree.entries);
      dir.subdirs.set(name, sub);
      await loadAlong(reader, sub, rest);
    }),
  );
}

/**
 * Paths where a write needs a file to become a directory or a directory a file, judged on the parent's tree before
 * any change (so "delete `a`, write `a/b`" counts too): the working tree of a checked-out branch cannot follow them.
 */
function kindChanges(root: Dir, paths: readonly string[]): string[] {
  const found = new Set<string>();
  for (const path of paths) {
    const parts = path.split("/");
    let dir: Dir | undefined = root;
    for (const [i, part] of parts.entries()) {
      const name = nameBytes(part);
      const isDir = dir.subdirs.has(name) || dir.entries.get(name)?.mode === TREE_MODE;
      const isFile = !isDir && dir.entries.has(name);
      if (i === parts.length - 1 ? isDir : isFile) found.add(parts.slice(0, i + 1).join("/"));
      dir = dir.subdirs.get(name);
      if (!dir) break;
    }
  }
  return [...found];
}

/**
 * The directory at `parts` under `root`, or undefined when there is none. With `create` (for a write) missing
 * directories are made, replacing a file in the way.
 */
function dirAt(root: Dir, parts: readonly string[], create: boolean): Dir | undefined {
  let dir = root;
  for (const name of parts) {
    let sub = dir.subdirs.get(name);
    if (!sub) {
      if (!create) return undefined;
      // Every existing tree on a changed path was loaded, so what stands here is a file (or nothing).
      dir.entries.delete(name);
      dir.subdirs.set(name, (sub = newDir()));
    }
    dir = sub;
  }
  return dir;
}

/**
 * `dir`'s entries once its subdirectories are written (siblings together), with canonical modes and no empty
 * subtrees, as write-tree rebuilds a tree from an index. A subdirectory left empty is dropped (git has no empty
 * directories).
 */
async function entriesOf(writer: ObjectWriter, dir: Dir): Promise<TreeEntry[]> {
  await Promise.all(
    [...dir.subdirs].map(async ([name, sub]) => {
      const entries = await entriesOf(writer, sub);
      if (!entries.length) dir.entries.delete(name);
      else dir.entries.set(name, { mode: TREE_MODE, name, oid: await writer.writeTree(entries) });
    }),
  );
  return [...dir.entries.values()].filter((e) => !isEmptyTree(e)).map((e) => ({ ...e, mode: canonicalMode(e.mode) }));
}
