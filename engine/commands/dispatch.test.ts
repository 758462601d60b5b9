import { beforeAll, describe, expect, it } from "vitest";
import type { AgencyModel } from "../agency/model.ts";
import { dispatch } from "./dispatch.ts";
import type { CommandContext, ContextKind } from "./effect.ts";
import { parseCommands, type ParsedCommand } from "./parse.ts";
import { commandRegistry } from "./registry.ts";
import { EDITOR, miniModel, withRole } from "../../test/support/commands/mini-model.ts";

let mini: AgencyModel;
beforeAll(async () => {
  mini = await miniModel();
});

const URL = "https://github.com/acme/agency/pull/7#issuecomment-1";
function ctx(kind: ContextKind, extra: Partial<CommandContext> = {}): CommandContext {
  return { kind, project: "alpha", author: "octocat", at: "2026-11-22T09:00:00Z", url: URL, ...(kind === "stream-pr" ? { stream: "docs" } : {}), ...extra };
}
const cmd = (name: string, args = "", target?: string): ParsedCommand => ({ name, args, line: 1, ...(target ? { target } : {}) });
const run = (c: ParsedCommand, context: CommandContext, model = mini) => dispatch(c, context, model);

describe("dispatch /approve", () => {
  it("approves the plan, with or without an option, on the plan PR or the issue", () => {
    expect(run(cmd("/approve"), ctx("plan-pr"))).toEqual({ type: "approve-plan", project: "alpha" });
    expect(run(cmd("/approve", "option-2"), ctx("plan-pr"))).toEqual({ type: "approve-plan", project: "alpha", option: "option-2" });
    expect(run(cmd("/approve", "[Option-2] looks better"), ctx("issue"))).toEqual({ type: "approve-plan", project: "alpha", option: "option-2" });
  });

  it("refuses an option the plan does not have, or any option before there is a plan", () => {
    expect(run(cmd("/approve", "option-9"), ctx("plan-pr"))).toEqual({ type: "reject", reason: "The plan has no option 'option-9'; options: option-1, option-2." });
    expect(run(cmd("/approve", "lgtm!"), ctx("plan-pr"))).toMatchObject({ type: "reject" });
    expect(run(cmd("/approve", "option-1"), ctx("plan-pr", { project: "beta" }))).toMatchObject({ type: "reject", reason: expect.stringContaining("no plan yet") });
    expect(run(cmd("/approve"), ctx("plan-pr", { project: "beta" }))).toEqual({ type: "approve-plan", project: "beta" });
  });

  it("accepts the stream on a stream PR and the assembly on the assembly PR, taking no option", () => {
    expect(run(cmd("/approve"), ctx("stream-pr"))).toEqual({ type: "accept-stream", project: "alpha", stream: "docs" });
    expect(run(cmd("/approve"), ctx("assembly-pr"))).toEqual({ type: "accept-assembly", project: "alpha" });
    expect(run(cmd("/approve", "option-2"), ctx("stream-pr"))).toMatchObject({ type: "reject", reason: expect.stringContaining("no option on a stream PR") });
    expect(run(cmd("/approve"), ctx("stream-pr", { stream: undefined }))).toMatchObject({ type: "reject" });
  });
});

describe("dispatch /ask and /teach", () => {
  it("asks a role, in the project", () => {
    expect(run(cmd("/ask", "why this title?", "writer"), ctx("stream-pr"))).toEqual({ type: "ask", project: "alpha", role: "writer", question: "why this title?" });
  });

  it("teaches a role, recording who taught it, when and where", () => {
    expect(run(cmd("/teach", "Cite primary sources.", "researcher"), ctx("issue"))).toEqual({
      type: "teach",
      project: "alpha",
      role: "researcher",
      lesson: "Cite primary sources.",
      by: "octocat",
      at: "2026-11-22T09:00:00Z",
      source: URL,
    });
  });

  it("refuses a missing or unknown role, or nothing to say", () => {
    expect(run(cmd("/ask", "what now?"), ctx("issue"))).toEqual({ type: "reject", reason: "/ask needs a role: `/ask @role <question>`; roles: researcher, writer." });
    expect(run(cmd("/teach", "x", "lawyer"), ctx("issue"))).toEqual({ type: "reject", reason: "There is no role 'lawyer'; roles: researcher, writer." });
    expect(run(cmd("/ask", "", "writer"), ctx("issue"))).toEqual({ type: "reject", reason: "/ask @writer needs a question." });
  });
});

describe("dispatch /retry and /escalate", () => {
  it("targets a named task anywhere in the plan", () => {
    expect(run(cmd("/retry", "facts"), ctx("stream-pr"))).toEqual({ type: "retry", project: "alpha", task: "facts" });
    expect(run(cmd("/escalate", "[polish]"), ctx("issue"))).toEqual({ type: "escalate", project: "alpha", task: "polish" });
  });

  it("without a task, covers the stream of a stream PR, else the project", () => {
    expect(run(cmd("/retry"), ctx("stream-pr"))).toEqual({ type: "retry", project: "alpha", stream: "docs" });
    expect(run(cmd("/escalate"), ctx("issue"))).toEqual({ type: "escalate", project: "alpha" });
  });

  it("refuses a task the plan does not have", () => {
    expect(run(cmd("/retry", "nope"), ctx("issue"))).toEqual({
      type: "reject",
      reason: "Project alpha has no task 'nope'; tasks: facts, competitors, glossary, draft, polish.",
    });
    expect(run(cmd("/escalate", "???"), ctx("issue"))).toMatchObject({ type: "reject", reason: expect.stringContaining("no task '???'") });
  });
});

describe("dispatch project controls", () => {
  it("blocks and unblocks the stream of a stream PR, or the project", () => {
    expect(run(cmd("/block", "waiting on legal"), ctx("stream-pr"))).toEqual({ type: "block", project: "alpha", stream: "docs", reason: "waiting on legal" });
    expect(run(cmd("/block", "freeze"), ctx("issue"))).toEqual({ type: "block", project: "alpha", reason: "freeze" });
    expect(run(cmd("/block"), ctx("issue"))).toEqual({ type: "reject", reason: "/block needs a reason: `/block <reason>`." });
    expect(run(cmd("/unblock"), ctx("stream-pr"))).toEqual({ type: "unblock", project: "alpha", stream: "docs" });
    expect(run(cmd("/unblock"), ctx("plan-pr"))).toEqual({ type: "unblock", project: "alpha" });
  });

  it("cancels, reports status and helps", () => {
    expect(run(cmd("/cancel"), ctx("issue"))).toEqual({ type: "cancel", project: "alpha" });
    expect(run(cmd("/status"), ctx("assembly-pr"))).toEqual({ type: "status", project: "alpha" });
    expect(run(cmd("/help"), ctx("issue", { project: "nowhere" }))).toEqual({ type: "help" });
  });

  it("refuses commands about a project the agency does not have", () => {
    expect(run(cmd("/status"), ctx("issue", { project: "nowhere" }))).toEqual({ type: "reject", reason: "There is no project 'nowhere' in this agency." });
  });

  it("does not run a built-in written after an @mention: that is advice to someone else", () => {
    expect(run(cmd("/approve", "", "bob"), ctx("plan-pr"))).toMatchObject({ type: "reject", reason: expect.stringContaining("after an @mention") });
  });
});

describe("dispatch custom role commands", () => {
  it("routes a command one role defines to that role", () => {
    expect(run(cmd("/outline", "the intro"), ctx("stream-pr"))).toEqual({ type: "custom", project: "alpha", role: "writer", command: "/outline", args: "the intro" });
  });

  it("routes a command two roles define by an explicit @role, before it or as its first word", () => {
    const model = withRole(mini, EDITOR);
    const registry = commandRegistry(model);
    expect(dispatch(cmd("/outline", "intro", "editor"), ctx("issue"), model, registry)).toEqual({ type: "custom", project: "alpha", role: "editor", command: "/outline", args: "intro" });
    expect(dispatch(cmd("/outline", "@writer intro"), ctx("issue"), model, registry)).toMatchObject({ role: "writer", args: "intro" });
    expect(dispatch(cmd("/proofread"), ctx("issue"), model, registry)).toMatchObject({ type: "custom", role: "editor" });
  });

  it("refuses to guess between two roles, and refuses a role that lacks the command", () => {
    const model = withRole(mini, EDITOR);
    expect(dispatch(cmd("/outline", "intro"), ctx("issue"), model)).toEqual({
      type: "reject",
      reason: "`/outline` is answered by @editor and @writer: write `@role /outline`.",
    });
    expect(dispatch(cmd("/outline", "", "researcher"), ctx("issue"), model)).toMatchObject({ type: "reject", reason: expect.stringContaining("Role 'researcher' has no command") });
  });

  it("refuses a command nobody answers", () => {
    expect(run(cmd("/frobnicate"), ctx("issue"))).toEqual({ type: "reject", reason: "Unknown command `/frobnicate`; `/help` lists them." });
  });
});

describe("from comment to effects", () => {
  it("parses with the registry's names and dispatches each command in order", () => {
    const comment = ["Nice work.", "> /cancel", "```", "/cancel", "```", "/revise [draft] Lead with the problem.", "Cut the history.", "", "/ask @researcher is the 2024 figure final?", "", "/usr/bin is not a command"].join("\n");
    const effects = parseCommands(comment, commandRegistry(mini).names).map((c) => dispatch(c, ctx("stream-pr"), mini));
    expect(effects).toEqual([
      { type: "feedback", project: "alpha", task: "draft", text: "[draft] Lead with the problem.\nCut the history.", by: "octocat", at: "2026-11-22T09:00:00Z", source: URL },
      { type: "ask", project: "alpha", role: "researcher", question: "is the 2024 figure final?" },
    ]);
  });
});
