import { describe, expect, it } from "vitest";
import { loadTemplates } from "../prompts/templates.ts";
import type { CallRecord, MetricsRecord, TaskRecord } from "./records.ts";
import { renderReport } from "./report-view.ts";
import { summarize } from "./summarize.ts";

const call = (o: Partial<CallRecord>): CallRecord => ({
  kind: "call", at: "2026-12-04T10:00:00.000Z", project: "p", action: "run-task", agent: "writer", tier: "fast", model: "small", inputTokens: 1000, outputTokens: 100, costUsd: 0.001, cached: false, latencyMs: 2000, ...o,
});
const task = (o: Partial<TaskRecord>): TaskRecord => ({
  kind: "task", at: "2026-12-04T10:00:10.000Z", project: "p", stream: "s", task: "t", role: "writer", tier: "fast", model: "small", outcome: "accepted", rounds: 1, wallMs: 10_000, calls: 2, inputTokens: 2000, outputTokens: 200, costUsd: 0.002, ...o,
});

describe("summarize", () => {
  const records: MetricsRecord[] = [
    call({ stream: "s", task: "t", role: "writer" }),
    call({ stream: "s", task: "t", role: "writer", agent: "collaborator" }),
    call({ stream: "s", task: "u", role: "writer", cached: true, costUsd: 0, latencyMs: 1 }),
    call({ stream: "s", task: "v", role: "writer", model: "big", tier: "strong", costUsd: 0.01, retries: 2 }),
    call({ action: "propose-plan", agent: "pm", model: "big", tier: "strong", costUsd: 0.02 }),
    call({ project: "other", costUsd: 5 }),
    task({ task: "t" }),
    task({ task: "u", outcome: "escalated", rounds: 3, at: "2026-12-04T10:01:00.000Z", wallMs: 30_000 }),
    task({ task: "u", tier: "strong", rounds: 2, at: "2026-12-04T10:02:00.000Z", wallMs: 20_000 }),
    task({ task: "v", stream: "z", tier: "strong", outcome: "failed", rounds: 3 }),
    task({ task: "w", stream: "z", outcome: "blocked" }),
  ];
  const m = summarize("p", records);

  it("adds up calls, paid and cached, for this project only", () => {
    expect(m.totals).toEqual({ calls: 5, cached: 1, inputTokens: 5000, outputTokens: 500, costUsd: 0.032 });
    expect(m.tasks).toEqual({ attempts: 5, accepted: 2, acceptedFirstRound: 1, escalated: 1, failed: 1, blocked: 1 });
  });

  it("groups by role (the PM under its agent), model and tier", () => {
    expect(m.byRole.map((r) => [r.role, r.calls, r.costUsd, r.tasks])).toEqual([["pm", 1, 0.02, 0], ["writer", 4, 0.012, 4]]);
    // Mean wait over paid calls only: a cache hit is not a wait.
    expect(m.byModel.map((r) => [r.model, r.calls, r.cached, r.meanLatencyMs, r.retries])).toEqual([["big", 2, 0, 2000, 2], ["small", 3, 1, 2000, 0]]);
    expect(m.byTier.map((r) => [r.tier, r.attempts, r.accepted, r.acceptedFirstRound, r.escalated, r.failed, r.blocked, r.meanRounds])).toEqual([
      ["fast", 3, 1, 1, 1, 0, 1, 1.67],
      ["strong", 2, 1, 0, 0, 1, 0, 2.5],
    ]);
  });

  it("groups task attempts by tier and task kind (role), which the report shows once there is more than one kind", async () => {
    const two = [task({ task: "a" }), task({ task: "b", role: "analyst", outcome: "escalated", rounds: 3 }), task({ task: "b", role: "analyst", tier: "strong" })];
    const s = summarize("p", two);
    expect(s.byTierAndRole.map((r) => [r.tier, r.role, r.attempts, r.acceptedFirstRound, r.escalated])).toEqual([
      ["fast", "analyst", 1, 0, 1],
      ["fast", "writer", 1, 1, 0],
      ["strong", "analyst", 1, 1, 0],
    ]);
    const md = renderReport(await loadTemplates(), "p", two);
    expect(md).toContain("| fast | analyst | 1 | 0 (0%) | 0 (0%) | 3.00 | 1 | 0 |");
    expect(renderReport(await loadTemplates(), "p", [task({})])).not.toContain("By tier and task kind");
  });

  it("times streams from their attempts' bars", () => {
    expect(m.byStream.map((r) => [r.stream, r.tasks, r.workMs, r.spanMs])).toEqual([["s", 2, 60_000, 120_000], ["z", 2, 20_000, 10_000]]);
    expect(m.timeline[0]).toEqual({ stream: "s", task: "t", outcome: "accepted", startMs: Date.parse("2026-12-04T10:00:00.000Z"), endMs: Date.parse("2026-12-04T10:00:10.000Z") });
  });
});

describe("the report", () => {
  it("renders every table and chart, and keeps a model's quotes from ending a Mermaid label", async () => {
    const md = renderReport(await loadTemplates(), "p", [call({ role: "writer", model: 'my "best" model' }), task({})], ["p/metrics.jsonl:3: not JSON"]);
    expect(md).toContain("1 model call · 1.0k in / 100 out tokens · $0.0010 · 1 of 1 task attempt accepted, 1 (100%) at the first round");
    expect(md).toContain(`x-axis ["my 'best' model"]`);
    expect(md).toContain('    "writer" : 0.0010');
    expect(md).toContain("| fast | 1 | 1 (100%) | 1 (100%) | 1.00 | 0 | 0 | 0 | $0.0020 |");
    expect(md).toContain("    t :done, 1796378400000, 1796378410000");
    expect(md).toContain("### Lines not read\n\n- p/metrics.jsonl:3: not JSON");
  });

  it("says so when nothing finished, with no empty charts", async () => {
    const md = renderReport(await loadTemplates(), "p", []);
    expect(md).toBe("## 📊 p: metrics\n\n0 model calls · 0 in / 0 out tokens · $0 · no task finished yet\n");
  });
});

describe("role versions", () => {
  it("rows per role and version, oldest first, and a chart once a role has more than one", async () => {
    const records: MetricsRecord[] = [
      task({ task: "a", roleVersion: "aaaaaaaa", rounds: 3, at: "2026-12-04T10:00:10.000Z" }),
      task({ task: "b", roleVersion: "bbbbbbbb", rounds: 1, at: "2026-12-04T11:00:10.000Z" }),
      task({ task: "c", roleVersion: "aaaaaaaa", rounds: 2, at: "2026-12-04T10:30:10.000Z", outcome: "escalated" }),
      task({ task: "d", role: "editor", roleVersion: "cccccccc" }),
    ];
    const m = summarize("p", records);
    expect(m.byRoleVersion.map((r) => [r.role, r.version, r.attempts, r.accepted, r.meanRounds])).toEqual([
      ["editor", "cccccccc", 1, 1, 1],
      ["writer", "aaaaaaaa", 2, 1, 2.5],
      ["writer", "bbbbbbbb", 1, 1, 1],
    ]);
    const md = renderReport(await loadTemplates(), "p", records);
    expect(md).toContain("| writer | `aaaaaaaa` | 2026-12-04 10:00 | 2 | 0 (0%) | 2.50 | $0.0040 |");
    expect(md).toContain('x-axis ["writer@aaaa", "writer@bbbb"]');
    expect(md).toContain("bar [2.50, 1.00]");
    // One version per role: the table, no chart.
    expect(renderReport(await loadTemplates(), "p", [records[3]!])).not.toContain("Mean revision rounds per role version");
  });
});
