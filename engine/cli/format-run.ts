// The closing lines of a run for people: one line per project, each failure, then calls, tokens and cost.
import { formatTokens, formatUsd } from "../agency/usage.ts";
import type { RunReport } from "../run/run-agency.ts";

export function formatRunReport(report: RunReport): string {
  const out = report.projects.map((p) => `● ${p.id}  stage: ${p.stage}  ${p.summary}`);
  for (const f of report.failures) out.push(`  ✗ ${f}`);
  const u = report.usage;
  out.push(
    `run: ${report.actions} action${report.actions === 1 ? "" : "s"}, ${u.calls} model call${u.calls === 1 ? "" : "s"}, ${formatTokens(u.inputTokens)} in / ${formatTokens(u.outputTokens)} out tokens, ${formatUsd(u.costUsd)}`,
  );
  return `${out.join("\n")}\n`;
}
