import { describe, expect, it } from "vitest";
import type { ProjectReport } from "../status/status-view.ts";
import { renderStatusReply } from "./status-reply.ts";

const report = (attention: ProjectReport["attention"]): ProjectReport =>
  ({ id: "alpha", name: "Alpha", stage: "blocked", oversight: "approve-plan", summary: "blocked", attention, plan: null, streams: [], tasks: [], usage: { calls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 } }) as unknown as ProjectReport;

describe("/status reply", () => {
  it("names the comment that lifts each block, the twin of the terminal command `ateams status` shows", () => {
    const text = renderStatusReply(
      report([
        { kind: "blocked", stream: null, task: null, message: "draft: EU or US?", hint: "ateams answer alpha draft <answer>" },
        { kind: "blocked", stream: "docs", task: null, message: "docs: legal", hint: "ateams unblock alpha --stream docs" },
        { kind: "blocked", stream: null, task: null, message: "BudgetExceeded", hint: null },
      ]),
    );
    expect(text).toContain("- blocked: draft: EU or US? → `/answer draft <answer>`");
    expect(text).toContain("- blocked: docs: legal → `/unblock` on the docs stream's PR");
    expect(text).toContain("- blocked: BudgetExceeded\n");
  });
});
