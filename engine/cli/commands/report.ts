// `ateams report`: what each project's work cost and how it went, from the metrics committed with it (cost by role,
// tokens by model, acceptance by tier, time per stream), as Markdown with Mermaid charts or as JSON.
import { readProjectMetrics } from "../../run/project-metrics.ts";
import { renderReport } from "../../metrics/report-view.ts";
import { summarize } from "../../metrics/summarize.ts";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { renderHtmlReport } from "../../metrics/report-html.ts";
import { COMMON_OPTIONS, parse } from "../args.ts";
import { EXIT, UsageError, type CliIO } from "../io.ts";
import { loadAndPlan } from "../load-or-report.ts";

export const REPORT_HELP = `Usage: ateams report [--agency <dir>] [--project <id>]... [--json | --html <file>]

What each project's work cost and how it went, from the metrics every run commits with
the work (projects/<id>/metrics.jsonl and projects/<id>/metrics/<stream>.jsonl): cost by
role, tokens by model, acceptance by tier, time per stream, as Markdown with Mermaid
charts (GitHub renders them in issues, PRs and job summaries). Records on stream
branches not merged yet count. Reads files and git only: no API key, nothing written.

Options:
  --agency <dir>   the agency directory (default: ./agency)
  --project <id>   only this project (repeatable)
  --json           the numbers instead of Markdown (shape below)
  --html <file>    write one self-contained page instead: the charts drawn with Chart.js
                   (inlined, so it opens offline) and the tables
  -h, --help       show this help

--json prints {"projects": [{project, totals, tasks, byRole, byModel, byTier, byStream,
timeline, problems}]}: totals {calls, cached, inputTokens, outputTokens, costUsd}; tasks
{attempts, accepted, acceptedFirstRound, escalated, failed, blocked}; timeline bars
{stream, task, outcome, startMs, endMs}; problems: lines that are not records, as file:line.

Exit status: 0 shown, 1 invalid specs, 2 usage error.
`;

export async function reportCommand(argv: string[], io: CliIO): Promise<number> {
  const { values } = parse(argv, { ...COMMON_OPTIONS, project: { type: "string", multiple: true }, json: { type: "boolean", default: false }, html: { type: "string" } });
  if (values.help) {
    io.stdout(REPORT_HELP);
    return EXIT.ok;
  }
  if (values.json && values.html !== undefined) throw new UsageError("--json and --html each say what to print: give one");
  if (values.html === "") throw new UsageError("--html needs a file name");
  const planned = await loadAndPlan(io, values.agency, values.project);
  if (!planned) return EXIT.invalid;
  const { model, templates, plan, ws } = planned;
  const reports = [];
  for (const p of plan.projects) {
    const { records, problems } = await readProjectMetrics(model.projects.get(p.id)!, ws);
    reports.push({ id: p.id, records, problems });
  }
  if (values.html !== undefined) {
    const file = resolve(io.cwd, values.html);
    const page = renderHtmlReport(templates, reports.map((r) => ({ project: r.id, records: r.records, problems: r.problems })), await readFile(chartJsFile(), "utf8"), new Date().toISOString());
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, page);
    io.stderr(`wrote ${file}\n`);
  } else if (values.json) io.stdout(`${JSON.stringify({ projects: reports.map((r) => ({ ...summarize(r.id, r.records), problems: r.problems })) }, null, 2)}\n`);
  else io.stdout(reports.map((r) => renderReport(templates, r.id, r.records, r.problems)).join("\n"));
  return EXIT.ok;
}

/** Chart.js's browser build (the package exports only its module entries; the UMD file sits beside them). */
function chartJsFile(): string {
  return join(dirname(createRequire(import.meta.url).resolve("chart.js")), "chart.umd.min.js");
}
