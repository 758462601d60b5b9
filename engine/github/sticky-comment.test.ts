// The sticky status comment: one per PR and key, created once, edited in place, untouched when nothing changed.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CommentMarkerError, formatMarker, parseMarker, statusMarker, withMarker } from "./comment-marker.ts";
import { upsertStickyComment } from "./sticky-comment.ts";
import { githubHarness, type GitHubHarness } from "../../test/support/github/harness.ts";

describe("comment markers", () => {
  it("format and parse back", () => {
    expect(formatMarker(statusMarker("site"))).toBe("<!-- ateams:status:site -->");
    expect(parseMarker(withMarker(statusMarker("site/copy"), "body"))).toEqual({ kind: "status", key: "site/copy" });
    expect(parseMarker("<!-- ateams:status:site -->\r\nbody")).toEqual({ kind: "status", key: "site" });
  });

  it("only count on the first line, and refuse keys that could break out of the HTML comment", () => {
    expect(parseMarker("> <!-- ateams:status:site -->")).toBeUndefined();
    expect(parseMarker("hello\n<!-- ateams:status:site -->")).toBeUndefined();
    expect(() => formatMarker({ kind: "status", key: "x -->" })).toThrow(CommentMarkerError);
    expect(() => formatMarker({ kind: "", key: "x" })).toThrow(CommentMarkerError);
  });
});

describe("upsertStickyComment", () => {
  let h: GitHubHarness;
  beforeEach(() => {
    h = githubHarness();
  });
  afterEach(() => h.finish());

  it("creates once, then writes nothing while the body is the same, then edits in place", async () => {
    const pr = h.fake.openPull({ head: "ateams/site/copy", title: "Copy" });
    const first = await upsertStickyComment(h.forge, pr.number, statusMarker("site"), "**Progressing**: 1/3 tasks");
    expect(first.action).toBe("created");

    h.mock.resetCounts();
    expect((await upsertStickyComment(h.forge, pr.number, statusMarker("site"), "**Progressing**: 1/3 tasks")).action).toBe("unchanged");
    expect([h.mock.reads, h.mock.writes]).toEqual([1, 0]);

    const third = await upsertStickyComment(h.forge, pr.number, statusMarker("site"), "**Progressing**: 2/3 tasks");
    expect(third).toMatchObject({ action: "updated", comment: { id: first.comment.id } });
    expect(h.fake.commentsOn(pr.number).map((c) => c.body)).toEqual(["<!-- ateams:status:site -->\n**Progressing**: 2/3 tasks"]);
  });

  it("finds its comment past the first page, and ignores quotes of it and other keys", async () => {
    const pr = h.fake.openPull({ head: "ateams/site/copy", title: "Copy" });
    for (let i = 0; i < 120; i++) h.fake.comment(pr.number, { author: "dana", body: `note ${i}` });
    const ours = await upsertStickyComment(h.forge, pr.number, statusMarker("site"), "v1");
    h.fake.comment(pr.number, { author: "dana", body: "> <!-- ateams:status:site -->\n> v1\nWhat does v1 mean?" });
    await upsertStickyComment(h.forge, pr.number, statusMarker("other"), "another key");

    h.mock.resetCounts();
    const again = await upsertStickyComment(h.forge, pr.number, statusMarker("site"), "v2");
    expect(again).toMatchObject({ action: "updated", comment: { id: ours.comment.id, body: "<!-- ateams:status:site -->\nv2" } });
    expect(h.mock.operations).toEqual(["issues/list-comments", "issues/list-comments", "issues/update-comment"]);
    expect(h.fake.commentsOn(pr.number)).toHaveLength(123);
  });

  it("takes comments already listed, to save the read", async () => {
    const pr = h.fake.openPull({ head: "ateams/site/copy", title: "Copy" });
    await upsertStickyComment(h.forge, pr.number, statusMarker("site"), "v1");
    const comments = await h.forge.listIssueComments(pr.number);
    h.mock.resetCounts();
    expect((await upsertStickyComment(h.forge, pr.number, statusMarker("site"), "v1", { comments })).action).toBe("unchanged");
    expect(h.mock.calls).toEqual([]);
  });
});
