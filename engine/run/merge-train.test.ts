import { describe, expect, it } from "vitest";
import type { MergeResult } from "../forge/index.ts";
import { MergeTrain, type MergeRequest } from "./merge-train.ts";

function recorder(fail?: string) {
  const calls: string[][] = [];
  let resolveFirst: (() => void) | undefined;
  const gate = new Promise<void>((r) => (resolveFirst = r));
  const merge = async (requests: MergeRequest[]): Promise<MergeResult[]> => {
    calls.push(requests.map((r) => r.source));
    if (calls.length === 1) await gate;
    if (fail && requests.some((r) => r.source === fail)) throw new Error(`cannot merge ${fail}`);
    return requests.map((r) => ({ status: "merged", sha: `sha-of-${r.source}` }));
  };
  return { calls, merge, open: () => resolveFirst!() };
}

describe("MergeTrain", () => {
  it("merges requests made in the same turn together, and later ones on the next train, each with its own result", async () => {
    const r = recorder();
    const train = new MergeTrain(r.merge);
    const first = ["a", "b", "c"].map((s) => train.merge({ source: s, message: s }));
    await new Promise((done) => setImmediate(done));
    await new Promise((done) => setImmediate(done));
    const late = [train.merge({ source: "d", message: "d" }), train.merge({ source: "e", message: "e" })];
    r.open();
    expect((await Promise.all([...first, ...late])).map((x) => x.sha)).toEqual(["sha-of-a", "sha-of-b", "sha-of-c", "sha-of-d", "sha-of-e"]);
    expect(r.calls).toEqual([["a", "b", "c"], ["d", "e"]]);
  });

  it("a failed train fails its riders only; the next one still departs", async () => {
    const r = recorder("b");
    const train = new MergeTrain(r.merge);
    const riders = [train.merge({ source: "a", message: "a" }), train.merge({ source: "b", message: "b" })];
    r.open();
    await expect(riders[0]).rejects.toThrow("cannot merge b");
    await expect(riders[1]).rejects.toThrow("cannot merge b");
    expect((await train.merge({ source: "c", message: "c" })).sha).toBe("sha-of-c");
  });
});
