// Objects never change under their id, so what a store has read or written once need not be asked again: parsed
// trees by id, and the tree of a commit (or of anything `<id>^{tree}` peels) by id. Filled by the reader's tree
// reads and by the writer's tree and commit writes, so the next commit on a branch reads nothing but the ref.
// Bounded (least recently used first out): by the number of tree entries held, and by the number of commits.
import type { TreeEntry } from "./tree-format.ts";

export class ObjectCache {
  readonly #trees = new Map<string, readonly TreeEntry[]>();
  readonly #treeOf = new Map<string, string>();
  readonly #maxEntries: number;
  readonly #maxPeeled: number;
  #entries = 0;

  /** `maxEntries`: tree entries held in all (a tree counts its entries plus one); `maxPeeled`: commits remembered. */
  constructor(maxEntries = 100_000, maxPeeled = 4_096) {
    this.#maxEntries = maxEntries;
    this.#maxPeeled = maxPeeled;
  }

  /** The entries of tree `oid` (frozen: callers share them), or undefined when not held. */
  tree(oid: string): readonly TreeEntry[] | undefined {
    return touch(this.#trees, oid);
  }

  /** Takes `entries` over (they are frozen, not copied): the caller must not change them afterwards. */
  rememberTree(oid: string, entries: readonly TreeEntry[]): void {
    if (this.#trees.has(oid)) return void touch(this.#trees, oid);
    const weight = entries.length + 1;
    if (weight > this.#maxEntries) return;
    for (const e of entries) Object.freeze(e);
    this.#trees.set(oid, Object.freeze(entries));
    this.#entries += weight;
    for (const [old, held] of this.#trees) {
      if (this.#entries <= this.#maxEntries) break;
      this.#trees.delete(old);
      this.#entries -= held.length + 1;
    }
  }

  /** The tree `<oid>^{tree}` names (for a commit: its tree), or undefined when not held. */
  treeOf(oid: string): string | undefined {
    return touch(this.#treeOf, oid);
  }

  rememberTreeOf(oid: string, tree: string): void {
    this.#treeOf.delete(oid);
    this.#treeOf.set(oid, tree);
    if (this.#treeOf.size > this.#maxPeeled) this.#treeOf.delete(this.#treeOf.keys().next().value!);
  }

  /** How many trees and peeled ids are held (for tests). */
  get size(): { trees: number; entries: number; peeled: number } {
    return { trees: this.#trees.size, entries: this.#entries, peeled: this.#treeOf.size };
  }
}

/** The value under `key`, moved to the most recently used end. */
function touch<V>(map: Map<string, V>, key: string): V | undefined {
  const value = map.get(key);
  if (value !== undefined) {
    map.delete(key);
    map.set(key, value);
  }
  return value;
}
