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

  it("knows without git that a commit seen at a ref before a write began cannot contain what it wrote", async () => {
    const asked: string[] = [];
    const g = new CommitGraph(async (a, b) => {
      asked.push(`${a}≤${b}`);
      return a === b;
    });
    g.seen("H0"); // the working branch when the run opened
    const t = g.writing();
    g.learn("t1", ["H0"], t);
    g.learn("s1", ["H0"], g.writing());
    expect(await g.isAncestor("t1", "s1")).toBe(false);
    expect(asked).toEqual([]);
    // A commit first seen after the write began may be built on it (someone merged t1): git decides.
    g.seen("X");
    expect(await g.isAncestor("t1", "X")).toBe(false);
    expect(asked).toEqual(["H0≤X"]); // t1's parent is not in X, so t1 is not either
  });

  it("a ref read that answers after a write began proves nothing about that write", async () => {
    const asked: string[] = [];
    const g = new CommitGraph(async (a, b) => {
      asked.push(`${a}≤${b}`);
      return true;
    });
    const t = g.writing(); // the write of t1 begins…
    g.seen("Y"); // …and a read answers meanwhile: Y may already contain t1
    g.learn("t1", ["H0"], t);
    expect(await g.isAncestor("t1", "Y")).toBe(true);
    expect(asked).toContain("t1≤Y");
  });

  it("a commit already seen at a ref before the write that makes it again began is not new (same content, same second)", async () => {
    const asked: string[] = [];
    const g = new CommitGraph(async (a, b) => {
      asked.push(`${a}≤${b}`);
      return true;
    });
    g.seen("t1"); // an earlier run's identical commit, on its branch
    g.seen("Z"); // a ref that may contain it
    g.learn("t1", ["H0"], g.writing());
    // Not "Z cannot contain t1": t1 existed before the write, so git is asked (through its parent, H0).
    expect(await g.isAncestor("t1", "Z")).toBe(true);
    expect(asked).toEqual(["H0≤Z", "t1≤Z"]);
  });
});
