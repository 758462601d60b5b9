import { describe, expect, it } from "vitest";
import { CommitGraph } from "./commit-graph.ts";

/**
 *   H0 (existing, foreign) ── s1 ── s2 ── m (merge of t2) ── s3        (working branch, statuses: ours)
 *     └── t1 ── t2                                                     (stream branch: ours)
 *   F (foreign, elsewhere)
 */
function graph() {
  const asked: string[] = [];
  // What git would say about the foreign commits: only H0 ≤ H0, and F is unrelated.
  const g = new CommitGraph(async (a, b) => {
    asked.push(`${a}≤${b}`);
    return a === b;
  });
  g.learn("s1", ["H0"]);
  g.learn("s2", ["s1"]);
  g.learn("t1", ["H0"]);
  g.learn("t2", ["t1"]);
  return { g, asked };
}

describe("CommitGraph", () => {
  it("answers from the commits it wrote, asking git only about foreign pairs", async () => {
    const { g, asked } = graph();
    expect(await g.isAncestor("H0", "s2")).toBe(true);
    expect(asked).toEqual([]);
    expect(await g.isAncestor("t2", "s2")).toBe(false); // pending: t2's parent t1 is not in s2 either
    expect(await g.isAncestor("t1", "s2")).toBe(false);
    g.learn("m", ["s2", "t2"]);
    g.learn("s3", ["m"]);
    expect(await g.isAncestor("t2", "s3")).toBe(true); // merged
    expect(await g.isAncestor("t1", "s3")).toBe(true);
    expect(await g.isAncestor("s3", "t2")).toBe(false);
    // Every question reduced to two about foreign H0, each asked once: t1 ≤ H0 and (for s3 ≤ t2) s1 ≤ H0.
    expect(asked).toEqual(["t1≤H0", "s1≤H0"]);
    expect(await g.isAncestor("s2", "t2")).toBe(false);
    expect(asked).toHaveLength(2);
  });

  it("asks git about commits it did not write, once per pair", async () => {
    const { g, asked } = graph();
    expect(await g.isAncestor("F", "s2")).toBe(false);
    expect(await g.isAncestor("F", "s1")).toBe(false);
    expect(asked).toEqual(["F≤H0"]);
  });

  it("does not remember a failed git call as an answer", async () => {
    let fail = true;
    const g = new CommitGraph(async () => {
      if (fail) throw new Error("git died");
      return true;
    });
    await expect(g.isAncestor("x", "y")).rejects.toThrow("git died");
    fail = false;
    expect(await g.isAncestor("x", "y")).toBe(true);
  });
});
