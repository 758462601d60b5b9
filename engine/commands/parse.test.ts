import { describe, expect, it } from "vitest";
import { BUILTIN_COMMAND_NAMES } from "../agency/builtin-commands.ts";
import { parseCommands } from "./parse.ts";

const known = new Set([...BUILTIN_COMMAND_NAMES, "/outline"]);
const names = (text: string) => parseCommands(text, known).map((c) => c.name);

describe("parseCommands", () => {
  it("finds a command at the start of a line, with the rest of the line as args", () => {
    expect(parseCommands("/approve option-2", known)).toEqual([{ name: "/approve", args: "option-2", line: 1 }]);
    expect(parseCommands("Thanks!\n   /retry  draft  ", known)).toEqual([{ name: "/retry", args: "draft", line: 2 }]);
    expect(parseCommands("  /status", known)).toEqual([{ name: "/status", args: "", line: 1 }]);
  });

  it("ignores a command that does not start its line", () => {
    expect(names("please /approve this")).toEqual([]);
    expect(names("- /approve")).toEqual([]);
  });

  it("matches names without case and emits them lowercase", () => {
    expect(parseCommands("/APPROVE Option-2\n/Revise Shorter", known).map((c) => [c.name, c.args])).toEqual([
      ["/approve", "Option-2"],
      ["/revise", "Shorter"],
    ]);
  });

  it("is not fooled by unknown slash words, paths or punctuation", () => {
    expect(names("/usr/bin/env node\n/approved\n/approve.\n/approve,\n/etc\n/ approve\n//approve")).toEqual([]);
    expect(names("/outline the intro")).toEqual(["/outline"]);
    expect(names("/outline the intro")).toEqual(parseCommands("/outline the intro", new Set(["/OUTLINE"])).map((c) => c.name));
  });

  it("returns several commands in order", () => {
    expect(parseCommands("/retry facts\nsome words\n/escalate polish\n\n/status", known).map((c) => [c.name, c.args, c.line])).toEqual([
      ["/retry", "facts", 1],
      ["/escalate", "polish", 3],
      ["/status", "", 5],
    ]);
  });

  it("ignores commands in fenced code blocks, with info strings, tildes and indentation", () => {
    const text = [
      "```",
      "/approve",
      "```",
      "~~~markdown title=x",
      "/cancel",
      "~~~",
      "- list item",
      "    ```sh",
      "    /block reason",
      "    ```",
      "````",
      "```",
      "/unblock",
      "````",
      "/status",
    ].join("\n");
    expect(names(text)).toEqual(["/status"]);
  });

  it("an unclosed fence hides everything after it, as GitHub renders it", () => {
    expect(names("/status\n```\n/cancel")).toEqual(["/status"]);
  });

  it("a fence closes only with the same character and at least its length", () => {
    expect(names("````\n```\n/cancel\n~~~~\n/cancel\n````\n/status")).toEqual(["/status"]);
  });

  it("ignores commands in indented code blocks, but a deep indent inside a paragraph is still text", () => {
    expect(names("To approve, type:\n\n    /approve option-2\n\n\t/cancel\n\nDone.")).toEqual([]);
    expect(names("Some text\n    /status")).toEqual(["/status"]);
  });

  it("ignores commands in blockquotes, nested quotes and their lazy continuation lines", () => {
    expect(names("> /approve\n>> /cancel\n   > /block x")).toEqual([]);
    expect(names("> I think we should\n/cancel")).toEqual([]);
    expect(names("> quoted\n\n/status")).toEqual(["/status"]);
  });

  it("ignores commands inside inline code spans, including spans over several lines", () => {
    expect(names("`/approve`\n``/cancel``")).toEqual([]);
    expect(names("Type `\n/approve\n` to approve.")).toEqual([]);
    expect(names("Type ``a ` b\n/approve\n`` ok")).toEqual([]);
    expect(names("An unmatched ` backtick\n/status")).toEqual(["/status"]);
    expect(names("Escaped \\` tick\n/status\nand ` more")).toEqual(["/status"]);
  });

  it("ignores commands hidden in HTML comments or disguised by invisible characters", () => {
    expect(names("Looks fine.\n<!--\n/approve\n-->")).toEqual([]);
    expect(names("<!-- /cancel -->")).toEqual([]);
    // A zero-width space inside the name is stripped: the command is read as it is seen.
    expect(names("/app\u200brove")).toEqual(["/approve"]);
  });

  it("takes the following lines as the text of /revise, /teach, /ask and /block, up to a blank line or command", () => {
    const text = "/revise Lead with the problem.\nThen the fix.\n  Keep it short.\n\nThanks!";
    expect(parseCommands(text, known)).toEqual([{ name: "/revise", args: "Lead with the problem.\nThen the fix.\n  Keep it short.", line: 1 }]);
    expect(parseCommands("/block waiting on legal\nthey reply Monday\n/status", known).map((c) => c.args)).toEqual(["waiting on legal\nthey reply Monday", ""]);
    expect(parseCommands("/revise\nAll on the next line.", known)[0]!.args).toBe("All on the next line.");
  });

  it("keeps a fenced block inside multi-line feedback whole, blank lines and command-like lines included", () => {
    const text = "/revise use this example:\n```ts\nconst a = 1;\n\n/approve\n```\nthen rerun.\n\n/status";
    expect(parseCommands(text, known).map((c) => [c.name, c.args, c.line])).toEqual([
      ["/revise", "use this example:\n```ts\nconst a = 1;\n\n/approve\n```\nthen rerun.", 1],
      ["/status", "", 9],
    ]);
  });

  it("other commands take only their own line", () => {
    expect(parseCommands("/retry draft\nbecause it failed", known)).toEqual([{ name: "/retry", args: "draft", line: 1 }]);
  });

  it("takes the @role of /ask and /teach out of the args, lowercase", () => {
    expect(parseCommands("/ask @Writer, why this title?", known)).toEqual([{ name: "/ask", args: "why this title?", line: 1, target: "writer" }]);
    expect(parseCommands("/teach @researcher\nCite primary sources.", known)).toEqual([
      { name: "/teach", args: "Cite primary sources.", line: 1, target: "researcher" },
    ]);
    expect(parseCommands("/ask what now?", known)).toEqual([{ name: "/ask", args: "what now?", line: 1 }]);
  });

  it("reads an @role written before a command as its address", () => {
    expect(parseCommands("@writer /outline the intro", known)).toEqual([{ name: "/outline", args: "the intro", line: 1, target: "writer" }]);
    expect(parseCommands("@writer /ask what now?", known)).toEqual([{ name: "/ask", args: "what now?", line: 1, target: "writer" }]);
    expect(names("@writer please /outline")).toEqual([]);
  });

  it("never takes a command from an HTML <pre>/<code>/<textarea> block or from inside an inline code element", () => {
    expect(names("<pre>\n/approve\n</pre>")).toEqual([]);
    expect(names("<pre>\n\n/approve\n\n</pre>\n/status")).toEqual(["/status"]);
    expect(names("<PRE class=x>/approve</PRE>\n/status")).toEqual(["/status"]);
    expect(names("<code>\n/approve\n</code>")).toEqual([]);
    expect(names("Try:\n<code>\n/approve\n</code>")).toEqual([]);
    expect(names("text <code>x\n/approve</code>")).toEqual([]);
    expect(names("<textarea>\n/approve\n")).toEqual([]);
    // Raw HTML blocks end at a blank line; a tag quoted in a code span is no element.
    expect(names("<div>\n/approve\n</div>\n\n/status")).toEqual(["/status"]);
    expect(names("`<code>` then\n/status")).toEqual(["/status"]);
  });

  it("never takes a command from text GitHub hides", () => {
    expect(names("<div hidden>\n/approve\n</div>")).toEqual([]);
    expect(names("[//]: # (\n/approve\n)")).toEqual([]);
  });

  it("reads a hostile comment of GitHub's maximum size in time linear in its length", () => {
    for (const body of ["`a\n".repeat(21_000), "<a ".repeat(21_000), "<div hidden>".repeat(5_000), "[x]: y \"\n".repeat(9_000)]) {
      const start = process.cpuUsage();
      parseCommands(body.slice(0, 65_536), known);
      const used = process.cpuUsage(start);
      expect((used.user + used.system) / 1000, body.slice(0, 12)).toBeLessThan(1000);
    }
  });
});
