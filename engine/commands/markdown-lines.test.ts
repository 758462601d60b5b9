import { describe, expect, it } from "vitest";
import { classifyLines } from "./markdown-lines.ts";

const kinds = (text: string) => classifyLines(text).map((l) => (l.inCodeSpan ? `${l.kind}+span` : l.kind));

describe("classifyLines", () => {
  it("tells text, blank, fence and code lines apart", () => {
    expect(kinds("intro\n\n```js\nx\n\ny\n```\nafter")).toEqual(["text", "blank", "fence", "code", "code", "code", "fence", "text"]);
  });

  it("does not take a backtick line with a backtick in its info string for a fence", () => {
    expect(kinds("``` a ` b\n/x")).toEqual(["text", "text"]);
    expect(kinds("~~~ a ` b\n/x\n~~~")).toEqual(["fence", "code", "fence"]);
  });

  it("lets a fenced block interrupt a quote's lazy continuation", () => {
    expect(kinds("> quoted\nlazy\n```\ncode\n```\ntext")).toEqual(["quote", "quote", "fence", "code", "fence", "text"]);
  });

  it("starts an indented code block only after a blank line, and continues it over blank lines", () => {
    expect(kinds("    a\n\n    b\nc")).toEqual(["code", "blank", "code", "text"]);
    expect(kinds("text\n    more")).toEqual(["text", "text"]);
    expect(kinds("\n  \tx")).toEqual(["blank", "code"]);
  });

  it("marks lines that start inside a code span spanning lines of one paragraph, not across paragraphs", () => {
    expect(kinds("a `b\nc` d\ne")).toEqual(["text", "text+span", "text"]);
    expect(kinds("a `b\n\nc` d")).toEqual(["text", "blank", "text"]);
    expect(kinds("a ``b ` c\nd`` e")).toEqual(["text", "text+span"]);
  });
});
