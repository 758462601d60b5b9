import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { simpleGit } from "simple-git";
import { describe, expect, it } from "vitest";
import { formatCommitMessage, parseCommitMessage, TRAILER_KEYS, TrailerError, withTrailers } from "./trailers.ts";

const ours = {
  [TRAILER_KEYS.project]: "launch",
  [TRAILER_KEYS.stream]: "research",
  [TRAILER_KEYS.task]: "market-scan",
  [TRAILER_KEYS.role]: "analyst",
  [TRAILER_KEYS.model]: "gpt-4.1-mini",
  [TRAILER_KEYS.fingerprint]: "3f9a0c1d2e4b5a6c",
  [TRAILER_KEYS.kind]: "task-output",
};

describe("formatCommitMessage / parseCommitMessage", () => {
  it.each([
    ["subject, body and trailers", "task market-scan: done", "Wrote the scan.\n\nSecond paragraph\nwith two lines.", ours],
    ["no body", "plan: propose options", "", ours],
    ["no trailers", "a plain commit", "Just a body.", {}],
    ["subject only", "just a subject", "", {}],
    ["body with a colon line that is not last", "s", "Note: the body may say this.\n\nAnd continue.", { "Ateams-Kind": "x" }],
  ])("round-trips %s", (_name, subject, body, trailers) => {
    const text = formatCommitMessage(subject, body, trailers);
    expect(text.endsWith("\n")).toBe(true);
    expect(parseCommitMessage(text)).toEqual({ subject, body, trailers });
  });

  it("lays the message out as subject, blank line, body, blank line, trailer block", () => {
    expect(formatCommitMessage("Subject", "Body", { "Ateams-Task": "t1", "Ateams-Role": "writer" })).toBe(
      "Subject\n\nBody\n\nAteams-Task: t1\nAteams-Role: writer\n",
    );
  });

  it("folds newlines in values and the subject into spaces so nothing forges a second trailer", () => {
    const text = formatCommitMessage("two\nlines", "", { "Ateams-Task": "t1\nAteams-Role: admin", "Ateams-Model": " m \r\n x " });
    const parsed = parseCommitMessage(text);
    expect(parsed.subject).toBe("two lines");
    expect(parsed.trailers).toEqual({ "Ateams-Task": "t1 Ateams-Role: admin", "Ateams-Model": "m x" });
  });

  it("refuses keys git would not read as trailers, empty values and an empty subject", () => {
    expect(() => formatCommitMessage("s", "", { "Bad Key": "v" })).toThrow(TrailerError);
    expect(() => formatCommitMessage("s", "", { "Ateams-Task:": "v" })).toThrow(TrailerError);
    expect(() => formatCommitMessage("s", "", { "Ateams-Task": " \n " })).toThrow(TrailerError);
    expect(() => formatCommitMessage(" \n", "", {})).toThrow(TrailerError);
  });

  it("normalises CRLF and trailing whitespace in the body", () => {
    expect(parseCommitMessage(formatCommitMessage("s", "a  \r\nb\r\n\r\n\r\n\r\nc", {})).body).toBe("a\nb\n\nc");
  });

  it("parses git-style trailers: no space after the colon, folded continuation lines, CRLF", () => {
    const parsed = parseCommitMessage("Subj\r\n\r\nBody.\r\n\r\nAteams-Task:t9\r\nAteams-Role: long\r\n  continued\r\n");
    expect(parsed).toEqual({ subject: "Subj", body: "Body.", trailers: { "Ateams-Task": "t9", "Ateams-Role": "long continued" } });
  });

  it("does not mistake a last paragraph with prose for trailers, nor the subject for a trailer", () => {
    expect(parseCommitMessage("S\n\nKey: v\nand prose\n").trailers).toEqual({});
    expect(parseCommitMessage("Key: v\n")).toEqual({ subject: "Key: v", body: "", trailers: {} });
  });

  it("withTrailers splits a free-form message into subject and body", () => {
    expect(parseCommitMessage(withTrailers("Subject line\n\nBody text", { "Ateams-Kind": "merge" }))).toEqual({
      subject: "Subject line",
      body: "Body text",
      trailers: { "Ateams-Kind": "merge" },
    });
  });

  it("agrees with git interpret-trailers on what the trailer block says", async () => {
    const dir = await mkdtemp(join(tmpdir(), "ateams-trailers-"));
    try {
      const file = join(dir, "msg");
      await writeFile(file, formatCommitMessage("Subject", "Body: with a colon\n\nMore body.", ours));
      const out = await simpleGit(dir).raw(["interpret-trailers", "--parse", file]);
      const fromGit = Object.fromEntries(out.trim().split("\n").map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1).trim()]));
      expect(fromGit).toEqual(ours);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
