// The GitHub Actions job summary ($GITHUB_STEP_SUMMARY): what the run did, per project, in Markdown.
import { appendFile } from "node:fs/promises";
import { formatTokens, formatUsd } from "../agency/usage.ts";
import type { RunReport } from "../run/run-agency.ts";

/** Pull requests the run published, as links: `head branch → URL`. */
export type PullRequestLinks = ReadonlyMap<string, string>;

/** `metrics`: each project's `ateams report` Markdown, shown after the run's own lines. */
export function renderJobSummary(report: RunReport, prs?: PullRequestLinks, metrics: readonly string[] = []): string {
  const u = report.usage;
  const lines = [
    "## ateams run",
    "",
    `${report.actions} action${report.actions === 1 ? "" : "s"} · ${u.calls} model call${u.calls === 1 ? "" : "s"} · ${formatTokens(u.inputTokens)} in / ${formatTokens(u.outputTokens)} out tokens · ${formatUsd(u.costUsd)}`,
    "",
    "| project | stage | where it stands |",
    "|---|---|---|",
    ...report.projects.map((p) => `| \`${p.id}\` | ${p.stage} | ${p.summary.replace(/\|/g, "\\|")} |`),
  ];
  if (prs?.size) lines.push("", "### Pull requests", "", ...[...prs].sort(([a], [b]) => (a < b ? -1 : 1)).map(([head, url]) => `- [\`${head}\`](${url})`));
  if (report.waiting.length) lines.push("", "### Waiting on other streams", "", ...report.waiting.map((w) => `- \`${w.project}/${w.task}\` (${w.stream}) waits on ${w.on.map((o) => `\`${o}\``).join(", ")}`));
  if (report.left.length) lines.push("", "### Left for the stream jobs", "", ...report.left.map((t) => `- \`${t}\``));
  if (report.failures.length) lines.push("", "### Failures", "", ...report.failures.map((f) => `- ${f}`));
  for (const m of metrics) lines.push("", m.trimEnd());
  return `${lines.join("\n")}\n`;
}

export async function writeJobSummary(env: NodeJS.ProcessEnv, report: RunReport, prs?: PullRequestLinks, metrics?: () => Promise<string[]>): Promise<void> {
  if (env.GITHUB_STEP_SUMMARY) await appendFile(env.GITHUB_STEP_SUMMARY, renderJobSummary(report, prs, (await metrics?.()) ?? []));
}
