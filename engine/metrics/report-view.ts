// A project's metrics shaped for templates/report.hbs: numbers formatted as people read them, chart data as Mermaid
// wants it. The same Markdown is printed by `ateams report`, added to the Actions job summary and to the assembly PR.
import { formatTokens, formatUsd } from "../agency/usage.ts";
import type { Templates } from "../prompts/templates.ts";
import type { MetricsRecord } from "./records.ts";
import { summarize, type ProjectMetrics, type TierRow } from "./summarize.ts";

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m ${String(s % 60).padStart(2, "0")}s` : `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, "0")}m`;
}

const MAX_PROBLEMS = 20;
const pct = (n: number, of: number) => (of ? `${n} (${Math.round((n / of) * 100)}%)` : "0");
// A label inside a Mermaid string: its quotes and line breaks would end it.
const label = (s: string) => s.replace(/["\n\r]/g, "'");

const tierView = (r: TierRow) => ({
  name: r.tier,
  attempts: r.attempts,
  accepted: pct(r.accepted, r.attempts),
  firstRound: pct(r.acceptedFirstRound, r.attempts),
  meanRounds: r.meanRounds.toFixed(2),
  escalated: r.escalated,
  failed: r.failed,
  blocked: r.blocked,
  cost: formatUsd(r.costUsd),
});

export function reportView(m: ProjectMetrics, problems: readonly string[] = []) {
  const t = m.totals;
  const paid = t.calls - t.cached;
  const tasks = m.tasks;
  const totals = [
    `${paid} model call${paid === 1 ? "" : "s"}${t.cached ? ` (+${t.cached} from the cache)` : ""}`,
    `${formatTokens(t.inputTokens)} in / ${formatTokens(t.outputTokens)} out tokens`,
    formatUsd(t.costUsd),
    tasks.attempts ? `${tasks.accepted} of ${tasks.attempts} task attempt${tasks.attempts === 1 ? "" : "s"} accepted, ${pct(tasks.acceptedFirstRound, tasks.attempts)} at the first round` : "no task finished yet",
  ].join(" · ");
  return {
    project: m.project,
    totals,
    roles: m.byRole.map((r) => ({ name: r.role, tasks: r.tasks, calls: r.calls, inputTokens: formatTokens(r.inputTokens), outputTokens: formatTokens(r.outputTokens), cost: formatUsd(r.costUsd) })),
    // A pie of nothing draws nothing: shown once something was paid for.
    costPie: t.costUsd > 0 ? m.byRole.filter((r) => r.costUsd > 0).map((r) => ({ label: label(r.role), value: r.costUsd.toFixed(4) })) : [],
    models: m.byModel.map((r) => ({
      name: r.model,
      calls: r.calls,
      cached: r.cached,
      inputTokens: formatTokens(r.inputTokens),
      outputTokens: formatTokens(r.outputTokens),
      cost: formatUsd(r.costUsd),
      latency: r.calls === r.cached ? "–" : r.meanLatencyMs < 1000 ? `${r.meanLatencyMs} ms` : `${(r.meanLatencyMs / 1000).toFixed(1)} s`,
      retries: r.retries,
    })),
    modelAxis: m.byModel.map((r) => `"${label(r.model)}"`).join(", "),
    modelTokens: m.byModel.map((r) => ((r.inputTokens + r.outputTokens) / 1000).toFixed(1)).join(", "),
    tiers: m.byTier.map(tierView),
    tierRoles: m.byTierAndRole.length > m.byTier.length ? m.byTierAndRole.map((r) => ({ ...tierView(r), role: r.role })) : [],
    versions: m.byRoleVersion.map((r) => ({
      role: r.role,
      version: r.version,
      since: r.firstAt.slice(0, 16).replace("T", " "),
      attempts: r.attempts,
      firstRound: pct(r.acceptedFirstRound, r.attempts),
      meanRounds: r.meanRounds.toFixed(2),
      perAccepted: r.accepted ? formatUsd(r.costUsd / r.accepted) : "–",
    })),
    // The comparison people look for: a role whose prompt changed, each version's mean rounds side by side.
    versionChart: changedRoles(m).length
      ? {
          axis: m.byRoleVersion.filter((r) => changedRoles(m).includes(r.role)).map((r) => `"${label(r.role)}@${r.version.slice(0, 4)}"`).join(", "),
          rounds: m.byRoleVersion.filter((r) => changedRoles(m).includes(r.role)).map((r) => r.meanRounds.toFixed(2)).join(", "),
        }
      : null,
    streams: m.byStream.map((r) => ({ name: r.stream, tasks: r.tasks, work: formatDuration(r.workMs), span: formatDuration(r.spanMs), cost: formatUsd(r.costUsd) })),
    gantt: m.byStream.map((s) => ({
      stream: label(s.stream),
      bars: m.timeline
        .filter((b) => b.stream === s.stream)
        // A bar shorter than a second would not show at the chart's scale.
        .map((b) => ({ label: b.task, status: b.outcome === "accepted" ? "done, " : b.outcome === "escalated" ? "active, " : "crit, ", start: b.startMs, end: Math.max(b.endMs, b.startMs + 1000) })),
    })),
    // A file of many bad lines (a merge gone wrong) is named by its first few, not listed whole.
    problems: problems.length > MAX_PROBLEMS ? [...problems.slice(0, MAX_PROBLEMS), `… and ${problems.length - MAX_PROBLEMS} more`] : [...problems],
  };
}

export type ReportView = ReturnType<typeof reportView>;

/** Roles whose tasks ran under more than one prompt version. */
function changedRoles(m: ProjectMetrics): string[] {
  const versions = new Map<string, number>();
  for (const r of m.byRoleVersion) versions.set(r.role, (versions.get(r.role) ?? 0) + 1);
  return [...versions].filter(([, n]) => n > 1).map(([role]) => role);
}

/** The Markdown of templates/report.hbs for one project's records. */
export function renderReport(templates: Templates, project: string, records: readonly MetricsRecord[], problems: readonly string[] = []): string {
  return templates.render("report", reportView(summarize(project, records), problems));
}
