// The plan for people: one block per project, one row per action, totals last.
import type { Estimate } from "./estimate.ts";
import type { Action, ReconcilePlan } from "./types.ts";
import { formatTokens, formatUsd } from "../agency/usage.ts";


function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  ").trimEnd());
}

const est = (e: Estimate) => (e.inputTokens + e.outputTokens === 0 ? "-" : `${formatTokens(e.inputTokens)}/${formatTokens(e.outputTokens)}`);

export function renderTable(plan: ReconcilePlan): string {
  const out: string[] = [];
  for (const p of plan.projects) {
    out.push(`● ${p.id}  stage: ${p.stage}  oversight: ${p.oversight}`);
    out.push(`  ${p.summary}`);
    if (p.actions.length) {
      const rows = [["#", "ACTION", "STREAM", "TASK", "AGENT", "TIER", "TOKENS in/out", "COST", "REASON"]];
      p.actions.forEach((a: Action, i) =>
        rows.push([String(i + 1), a.kind, a.stream ?? "-", a.task ?? "-", a.agent, a.tier ?? "-", est(a.estimate), a.estimate.costUsd ? formatUsd(a.estimate.costUsd) : "-", a.reason]),
      );
      out.push(...table(rows).map((l) => `  ${l}`));
      const routed = p.actions.filter((a) => a.kind === "run-task" && a.routing);
      if (routed.length) {
        out.push("  model routing:");
        for (const a of routed) out.push(`    ${a.task} → ${a.tier} (${a.model}): ${a.routing}`);
      }
    } else out.push("  nothing to do");
    for (const b of p.blocked) out.push(`  ✗ blocked ${b.stream}/${b.task}: ${b.reason}`);
    // Lessons shape future work only: finished tasks are listed, and redoing one is the Director's call.
    for (const role of [...new Set(p.taughtSince.map((t) => t.role))]) {
      const tasks = p.taughtSince.filter((t) => t.role === role).map((t) => t.task);
      out.push(`  ⟳ ${role} has new lessons since ${tasks.join(", ")} finished; \`ateams retry ${p.id} <task>\` redoes one with them`);
    }
    out.push(`  estimate: ${formatTokens(p.estimate.inputTokens)} in / ${formatTokens(p.estimate.outputTokens)} out tokens, ${formatUsd(p.estimate.costUsd)}`);
    out.push("");
  }
  const t = plan.totals;
  out.push(`total: ${t.actions} action${t.actions === 1 ? "" : "s"}, ${t.llmCalls} model call${t.llmCalls === 1 ? "" : "s"} (before revisions), ~${formatTokens(t.inputTokens)} in / ${formatTokens(t.outputTokens)} out tokens, ~${formatUsd(t.costUsd)}`);
  return `${out.join("\n")}\n`;
}
