import { describe, expect, it } from "vitest";
import { reactionsFor, type Reaction } from "./reactions.ts";

// The content names GitHub's REST API accepts for reactions; anything else is a 422.
const GITHUB_REACTIONS: readonly string[] = ["+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes"];

describe("reactionsFor", () => {
  it("acknowledges with eyes, finishes with a rocket", () => {
    expect(reactionsFor({ kind: "received" })).toEqual({ reactions: ["eyes"] });
    expect(reactionsFor({ kind: "done" })).toEqual({ reactions: ["rocket"] });
    expect(reactionsFor({ kind: "done", reply: "**alpha**: running" })).toEqual({ reactions: ["rocket"], reply: "**alpha**: running" });
  });

  it("answers a refusal or a failure with confused and a reply saying why", () => {
    expect(reactionsFor({ kind: "rejected", command: "/approve", reason: "The plan has no option 'x'." })).toEqual({
      reactions: ["confused"],
      reply: "`/approve` was not run: The plan has no option 'x'.",
    });
    expect(reactionsFor({ kind: "failed", command: "/approve", reason: "the stream branch conflicts with main." })).toEqual({
      reactions: ["confused"],
      reply: "`/approve` failed: the stream branch conflicts with main.",
    });
  });

  it("gives an unauthorized author no reaction and no reply", () => {
    expect(reactionsFor({ kind: "ignored", reason: "stranger has none permission" })).toEqual({ reactions: [] });
  });

  it("only ever uses names the GitHub API accepts", () => {
    const outcomes = [
      reactionsFor({ kind: "received" }),
      reactionsFor({ kind: "done" }),
      reactionsFor({ kind: "rejected", command: "/x", reason: "r" }),
      reactionsFor({ kind: "failed", command: "/x", reason: "r" }),
    ];
    const used: Reaction[] = outcomes.flatMap((o) => o.reactions);
    for (const r of used) expect(GITHUB_REACTIONS).toContain(r);
  });
});
