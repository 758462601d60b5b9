import { describe, expect, it } from "vitest";
import { decideContinuation } from "./next-wave.ts";

describe("decideContinuation", () => {
  it("dispatches the next wave, numbered, only for work that could not start when this wave began", () => {
    expect(decideContinuation({ before: ["p/a@1", "p/b@1"], now: ["p/b@1", "p/c@1"], chain: 0, maxChain: 5 })).toEqual({ kind: "dispatch", work: ["p/c@1"], chain: 1, maxChain: 5 });
  });

  it("the same task with other inputs (new feedback) is new work", () => {
    expect(decideContinuation({ before: ["p/a@1"], now: ["p/a@2"], chain: 3, maxChain: 5 })).toMatchObject({ kind: "dispatch", chain: 4 });
  });

  it("sends nothing when nothing can start, or only what this wave's jobs already had (they failed on it)", () => {
    expect(decideContinuation({ before: ["p/a@1"], now: [], chain: 0, maxChain: 5 })).toEqual({ kind: "done" });
    expect(decideContinuation({ before: ["p/a@1", "p/b@1"], now: ["p/a@1"], chain: 1, maxChain: 5 })).toEqual({ kind: "same", work: ["p/a@1"] });
  });

  it("stops at the bound: a chain never runs past maxChain dispatched runs", () => {
    expect(decideContinuation({ before: [], now: ["p/a@1"], chain: 4, maxChain: 5 })).toMatchObject({ kind: "dispatch", chain: 5 });
    expect(decideContinuation({ before: [], now: ["p/a@1"], chain: 5, maxChain: 5 })).toEqual({ kind: "bound", work: ["p/a@1"], chain: 5, maxChain: 5 });
    expect(decideContinuation({ before: [], now: ["p/a@1"], chain: 0, maxChain: 0 })).toMatchObject({ kind: "bound" });
  });
});
