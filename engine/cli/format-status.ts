// `ateams status` for people: per project what needs a person first, then one row per stream and per task.
import { formatTokens, formatUsd } from "../agency/usage.ts";
import { formatCondition, type AcceptanceView, type Attention, type ProjectReport, type StatusReport } from "../status/status-view.ts";
import type { UsageTotals } from "../agency/usage.ts";

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join("  ").trimEnd());
}

export const shortSha = (sha: string | null): string => (sha ? sha.slice(0, 7) : "-");

function formatAcceptance(a: AcceptanceView | null): string {
  if (!a) return "-";
  return `${a.current ? "✓" : "stale"}${a.by ? ` ${a.by}` : ""}`;
}

function formatUsage(u: UsageTotals): string {
  return `${u.calls} call${u.calls === 1 ? "" : "s"}, ${formatTokens(u.inputTokens)} in / ${formatTokens(u.outputTokens)} out tokens, ${formatUsd(u.costUsd)}`;
}

const MARK: Record<Attention["kind"], string> = { "awaiting-approval": "awaiting approval", "awaiting-review": "awaiting review", blocked: "blocked", failed: "failed" };

function renderProject(p: ProjectReport): string[] {
  const out = [`● ${p.id}  ${p.name}  stage: ${p.stage}  oversight: ${p.oversight}`, `  ${p.summary}`];
  // What a person must do comes before the detail, so it is not lost below a long task table.
  for (const a of p.attention) out.push(`  ! ${MARK[a.kind]}: ${a.message}${a.hint ? `  → ${a.hint}` : ""}`);
  if (p.plan) {
    const approval = p.plan.approval ? `, approved by ${p.plan.approval.by} at ${p.plan.approval.at}` : "";
    const decomposed = p.plan.basedOn ? `; streams decompose ${p.plan.basedOn}` : "; not decomposed yet";
    out.push(`  plan: options ${p.plan.options.join(", ")}; recommended ${p.plan.recommended}; chosen ${p.plan.chosen ?? "-"}${approval}${decomposed}`);
  } else out.push("  plan: none yet");
  for (const c of p.conditions) out.push(`  condition: ${formatCondition(c)}${c.message ? `: ${c.message}` : ""}`);
  if (p.streams.length) {
    const rows = [["STREAM", "STAGE", "VERIFIED", "ACCEPTED", "COMMIT", "BRANCH", "CONDITION"]];
    for (const s of p.streams) {
      const branch = s.branch === null ? "-" : s.unmerged ? "unmerged" : "merged";
      rows.push([s.id, s.stage, formatAcceptance(s.verified), formatAcceptance(s.accepted), shortSha(s.accepted?.commit ?? null), branch, formatCondition(s.condition)]);
    }
    out.push("", ...table(rows).map((l) => `  ${l}`));
  }
  if (p.tasks.length) {
    const rows = [["TASK", "STREAM", "STAGE", "CONDITION", "MODEL", "TOKENS in/out", "COST", "REV", "ATT", "COMMIT", "WHY"]];
    for (const t of p.tasks) {
      const tokens = t.usage.inputTokens + t.usage.outputTokens ? `${formatTokens(t.usage.inputTokens)}/${formatTokens(t.usage.outputTokens)}` : "-";
      // A waiting task's reason is the project's summary, already printed above.
      const why = t.stage === "run" || t.stage === "blocked" ? (t.reason ?? "-") : "-";
      rows.push([t.id, t.stream, t.stage, formatCondition(t.condition), t.model ?? "-", tokens, t.usage.costUsd ? formatUsd(t.usage.costUsd) : "-", String(t.revisions), String(t.attempts), shortSha(t.commit), why]);
    }
    out.push("", ...table(rows).map((l) => `  ${l}`));
  }
  out.push("", `  usage: ${formatUsage(p.usage)}`, "");
  return out;
}

export function renderStatus(report: StatusReport): string {
  const out = report.projects.flatMap(renderProject);
  const waiting = report.projects.reduce((n, p) => n + p.attention.length, 0);
  out.push(`total: ${report.projects.length} project${report.projects.length === 1 ? "" : "s"}, ${formatUsage(report.totals)}${waiting ? `; ${waiting} item${waiting === 1 ? " needs" : "s need"} a person` : ""}`);
  return `${out.join("\n")}\n`;
}
