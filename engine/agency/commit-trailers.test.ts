import { describe, expect, it } from "vitest";
import { formatTrailers, parseTrailers, TRAILER_KEYS } from "./commit-trailers.ts";

describe("commit trailers", () => {
  it("formats in a fixed order and parses back, usage and source included", () => {
    const value = { project: "site", kind: "task", stream: "copy", task: "faq", role: "writer", model: "m", fingerprint: "abc", usage: { calls: 2, inputTokens: 300, outputTokens: 40, costUsd: 0.0012 }, source: "https://x/1" };
    const raw = formatTrailers(value);
    expect(Object.keys(raw)).toEqual(["Ateams-Project", "Ateams-Kind", "Ateams-Stream", "Ateams-Task", "Ateams-Role", "Ateams-Model", "Ateams-Fingerprint", "Ateams-Usage", "Ateams-Source"]);
    expect(raw[TRAILER_KEYS.usage]).toBe("2 calls, 300 in, 40 out, $0.001200");
    expect(parseTrailers(raw)).toEqual(value);
  });

  it("leaves out empty fields and ignores keys that are not ours", () => {
    expect(formatTrailers({ kind: "poll", stream: "" })).toEqual({ "Ateams-Kind": "poll" });
    expect(parseTrailers({ "Signed-off-by": "a", "Ateams-Usage": "lots" })).toEqual({});
  });
});
