import { describe, expect, it } from "vitest";
import { ObjectCache } from "./object-cache.ts";
import type { TreeEntry } from "./tree-format.ts";

const entries = (n: number): TreeEntry[] => Array.from({ length: n }, (_, i) => ({ mode: "100644", name: `f${i}`, oid: "a".repeat(40) }));

describe("ObjectCache", () => {
  it("holds trees up to a number of entries, dropping the least recently used first", () => {
    const cache = new ObjectCache(30, 2);
    cache.rememberTree("t1", entries(9)); // weighs 10
    cache.rememberTree("t2", entries(9));
    cache.rememberTree("t3", entries(9));
    expect(cache.size).toMatchObject({ trees: 3, entries: 30 });
    expect(cache.tree("t1")).toHaveLength(9); // now the most recently used
    cache.rememberTree("t4", entries(4));
    expect(cache.tree("t2")).toBeUndefined();
    expect(cache.tree("t1")).toBeDefined();
    expect(cache.tree("t3")).toBeDefined();
    expect(cache.tree("t4")).toBeDefined();
    // A tree heavier than the whole cache is not kept, and evicts nothing.
    cache.rememberTree("huge", entries(40));
    expect(cache.tree("huge")).toBeUndefined();
    expect(cache.size.trees).toBe(3);
  });

  it("shares what it holds frozen", () => {
    const cache = new ObjectCache();
    cache.rememberTree("t", entries(2));
    const held = cache.tree("t")!;
    expect(Object.isFrozen(held)).toBe(true);
    expect(Object.isFrozen(held[0])).toBe(true);
  });

  it("remembers a bounded number of commit trees", () => {
    const cache = new ObjectCache(100, 2);
    cache.rememberTreeOf("c1", "t1");
    cache.rememberTreeOf("c2", "t2");
    expect(cache.treeOf("c1")).toBe("t1");
    cache.rememberTreeOf("c3", "t3");
    expect(cache.treeOf("c2")).toBeUndefined();
    expect(cache.treeOf("c1")).toBe("t1");
    expect(cache.treeOf("c3")).toBe("t3");
  });
});
