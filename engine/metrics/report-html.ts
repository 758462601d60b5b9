// `ateams report --html`: one self-contained page (Chart.js inlined, no network) with each project's charts and the
// tables of the Markdown report. The chart configurations are built here, from the same sums, so the page's script
// only draws them.
import type { Templates } from "../prompts/templates.ts";
import type { MetricsRecord } from "./records.ts";
import { reportView } from "./report-view.ts";
import { summarize, type ProjectMetrics } from "./summarize.ts";

/** A Chart.js configuration: plain data, drawn by the page. */
export interface ChartSpec {
  title: string;
  config: { type: string; data: unknown; options: unknown };
}

const PALETTE = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"];
const color = (i: number) => PALETTE[i % PALETTE.length]!;
// No animation: the page is complete when its script has run (a screenshot, a print, a headless check).
const base = (title: string, extra: object = {}) => ({ animation: false, responsive: true, maintainAspectRatio: false, plugins: { title: { display: true, text: title } }, ...extra });

export function chartsOf(m: ProjectMetrics): ChartSpec[] {
  const charts: ChartSpec[] = [];
  const paidRoles = m.byRole.filter((r) => r.costUsd > 0);
  if (paidRoles.length) {
    charts.push({
      title: "Cost by role (USD)",
      config: { type: "doughnut", data: { labels: paidRoles.map((r) => r.role), datasets: [{ data: paidRoles.map((r) => r.costUsd), backgroundColor: paidRoles.map((_, i) => color(i)) }] }, options: base("Cost by role (USD)") },
    });
  }
  if (m.byModel.length) {
    charts.push({
      title: "Tokens by model",
      config: {
        type: "bar",
        data: {
          labels: m.byModel.map((r) => r.model),
          datasets: [
            { label: "input tokens", data: m.byModel.map((r) => r.inputTokens), backgroundColor: color(0) },
            { label: "output tokens", data: m.byModel.map((r) => r.outputTokens), backgroundColor: color(1) },
          ],
        },
        options: base("Tokens by model", { scales: { x: { stacked: true }, y: { stacked: true } } }),
      },
    });
  }
  if (m.byTier.length) {
    const share = (n: number, of: number) => (of ? Math.round((n / of) * 100) : 0);
    charts.push({
      title: "Acceptance by tier (%)",
      config: {
        type: "bar",
        data: {
          labels: m.byTier.map((r) => r.tier),
          datasets: [
            { label: "accepted at the first round", data: m.byTier.map((r) => share(r.acceptedFirstRound, r.attempts)), backgroundColor: color(4) },
            { label: "accepted", data: m.byTier.map((r) => share(r.accepted, r.attempts)), backgroundColor: color(3) },
          ],
        },
        options: base("Acceptance by tier (%)", { scales: { y: { min: 0, max: 100 } } }),
      },
    });
  }
  if (m.timeline.length) {
    const t0 = Math.min(...m.timeline.map((b) => b.startMs));
    const streams = [...new Set(m.timeline.map((b) => b.stream))];
    charts.push({
      title: "Task attempts over time (seconds from the first)",
      config: {
        type: "bar",
        data: {
          labels: m.timeline.map((b) => `${b.stream} / ${b.task}`),
          datasets: [
            {
              label: "task attempt",
              data: m.timeline.map((b) => [(b.startMs - t0) / 1000, Math.max(b.endMs - t0, b.startMs - t0 + 100) / 1000]),
              backgroundColor: m.timeline.map((b) => (b.outcome === "accepted" ? color(streams.indexOf(b.stream)) : "#e15759")),
            },
          ],
        },
        options: base("Task attempts over time (seconds from the first)", { indexAxis: "y", plugins: { title: { display: true, text: "Task attempts over time (seconds from the first; red: not accepted)" }, legend: { display: false } } }),
      },
    });
  }
  const versions = m.byRoleVersion;
  if (versions.length) {
    charts.push({
      title: "Mean revision rounds per role version",
      config: {
        type: "bar",
        data: { labels: versions.map((r) => `${r.role}@${r.version.slice(0, 4)}`), datasets: [{ label: "mean rounds", data: versions.map((r) => r.meanRounds), backgroundColor: versions.map((r) => color([...new Set(versions.map((v) => v.role))].indexOf(r.role))) }] },
        options: base("Mean revision rounds per role version", { plugins: { title: { display: true, text: "Mean revision rounds per role version" }, legend: { display: false } } }),
      },
    });
  }
  return charts;
}

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
/** Templates render without escaping (they write Markdown and prompts): text bound for HTML is escaped here. */
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

function escapeDeep<T>(value: T): T {
  if (typeof value === "string") return escapeHtml(value) as T;
  if (Array.isArray(value)) return value.map(escapeDeep) as T;
  if (value && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapeDeep(v)])) as T;
  return value;
}

/** JSON inside a <script>: nothing in it can close the element. */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, "\\u003c");

export interface HtmlReportInput {
  project: string;
  records: readonly MetricsRecord[];
  problems: readonly string[];
}

/** The page: `chartJs` is Chart.js's UMD build, inlined so the file is readable offline. */
export function renderHtmlReport(templates: Templates, projects: readonly HtmlReportInput[], chartJs: string, generatedAt: string): string {
  let next = 0;
  const views = projects.map((p) => {
    const m = summarize(p.project, p.records);
    const charts = chartsOf(m).map((c) => ({ id: `chart-${next++}`, title: c.title, config: c.config }));
    return { ...escapeDeep(reportView(m, p.problems)), charts: charts.map((c) => ({ id: c.id, title: escapeHtml(c.title) })), configs: charts };
  });
  const configs = Object.fromEntries(views.flatMap((v) => v.configs.map((c) => [c.id, c.config])));
  return templates.render("report.html", {
    generatedAt: escapeHtml(generatedAt),
    projects: views,
    configs: scriptJson(configs),
    chartJs: chartJs.replace(/<\/script/gi, "<\\/script"),
  });
}
