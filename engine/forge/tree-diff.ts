// Which paths differ between two trees, read through the long-lived cat-file process: only subtrees whose ids
// differ are opened, so a merge that touched three files reads a handful of trees however large the repository is.
import type { ObjectReader } from "./object-reader.ts";
import { TREE_MODE, type TreeEntry } from "./tree-format.ts";

export interface TreeSide {
  mode: string;
  oid: string;
}

export interface PathChange {
  /** Name bytes (one char per byte, see tree-format.ts) joined with `/`. */
  path: string;
  /** What the first tree has here; undefined when the path is new. */
  from: TreeSide | undefined;
  /** What the second tree has here; undefined when the path is gone. */
  to: TreeSide | undefined;
}

/**
 * Every path where `from` and `to` differ, sorted. Files and symlinks are compared by mode and id; a subtree
 * present on both sides is descended into; a subtree on one side only is listed file by file (so a directory that
 * appears lists every file in it). A path that is a file on one side and a directory on the other is one change
 * whose side is the tree (`mode` 40000): callers that cannot follow that refuse it. `from` undefined is the empty tree.
 */
export async function diffTrees(reader: ObjectReader, from: string | undefined, to: string): Promise<PathChange[]> {
  const out: PathChange[] = [];
  await diffDir(reader, from, to, "", out);
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

async function entriesOf(reader: ObjectReader, tree: string | undefined): Promise<Map<string, TreeEntry>> {
  if (tree === undefined) return new Map();
  const read = await reader.readTree(tree);
  if (!read) throw new Error(`tree ${tree} is missing`);
  return new Map(read.entries.map((e) => [e.name, e]));
}

async function diffDir(reader: ObjectReader, from: string | undefined, to: string | undefined, prefix: string, out: PathChange[]): Promise<void> {
  if (from === to) return;
  const [a, b] = await Promise.all([entriesOf(reader, from), entriesOf(reader, to)]);
  const work: Promise<void>[] = [];
  for (const name of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(name);
    const y = b.get(name);
    if (x && y && x.mode === y.mode && x.oid === y.oid) continue;
    const path = prefix + name;
    const xTree = x?.mode === TREE_MODE;
    const yTree = y?.mode === TREE_MODE;
    if ((xTree || !x) && (yTree || !y)) {
      work.push(diffDir(reader, x?.oid, y?.oid, `${path}/`, out));
    } else if (x && y && xTree !== yTree) {
      out.push({ path, from: side(x), to: side(y) });
    } else {
      out.push({ path, from: x && side(x), to: y && side(y) });
    }
  }
  await Promise.all(work);
}

const side = (e: TreeEntry): TreeSide => ({ mode: e.mode, oid: e.oid });
