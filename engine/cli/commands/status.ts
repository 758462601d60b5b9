// `ateams status`: where every project, stream and task stands — recorded conditions, usage and commits from
// status.yaml, next steps from the planner, and what waits on a person. Reads only; no key, no network.
import { fingerprintTasks } from "../../plan/fingerprint.ts";
import { streamFingerprint } from "../../plan/plan-project.ts";
import type { Workspace } from "../../run/workspace.ts";
import type { LoadedProject } from "../../agency/model.ts";
import { projectReport, statusReport } from "../../status/status-view.ts";
import { COMMON_OPTIONS, parse } from "../args.ts";
import { renderStatus } from "../format-status.ts";
import { EXIT, type CliIO } from "../io.ts";
import { loadAndPlan } from "../load-or-report.ts";

export const STATUS_HELP = `Usage: ateams status [--agency <dir>] [--project <id>]... [--json]

Shows where each project stands: its stage, what waits on a person (the plan to approve,
streams to review, the Director's questions, blocked tasks) and, per stream and task, the
recorded condition, what the planner would do next, tokens, cost, revisions, attempts,
model and commit. Outputs on unmerged stream branches count, as they do for \`ateams run\`.
Reads files and git only: no API key, no network, nothing written.

Options:
  --agency <dir>   the agency directory (default: ./agency)
  --project <id>   only this project (repeatable)
  --json           machine-readable status (shape below)
  -h, --help       show this help

--json prints {"projects": [...], "totals": usage}, each project:
  {id, name, stage, summary, oversight,
   plan: null | {options, recommended, chosen, basedOn, approval: null | {by, at}},
   conditions: [condition],
   attention: [{kind: "awaiting-approval"|"awaiting-review"|"blocked"|"failed",
                stream, task, message, hint}],
   usage, streams: [stream], tasks: [task]}
  stream: {id, title, stage: "working"|"verify"|"awaiting-review"|"merge"|"accepted"|"blocked"|"waiting",
           reason, condition, verified, accepted,
           branch (null when it does not exist), unmerged}
  task:   {id, title, stream, role, stage: "done"|"run"|"blocked"|"waiting", reason,
           condition, conditions, tier, model, usage, revisions, attempts, escalations,
           commit, completedAt}
  condition: {type (or "Pending" for a task with no record), status, reason, message, since}
  verified/accepted: null | {fingerprint, by, at, commit, current}
  usage: {calls, inputTokens, outputTokens, costUsd}
Absent values are null; commits are full shas (the table shows 7 characters).

Exit status: 0 shown, 1 invalid specs, 2 usage error.
`;

export async function statusCommand(argv: string[], io: CliIO): Promise<number> {
  const { values } = parse(argv, { ...COMMON_OPTIONS, project: { type: "string", multiple: true }, json: { type: "boolean", default: false } });
  if (values.help) {
    io.stdout(STATUS_HELP);
    return EXIT.ok;
  }
  const planned = await loadAndPlan(io, values.agency, values.project);
  if (!planned) return EXIT.invalid;
  const { model, templates, plan, ws } = planned;
  const projects = [];
  for (const p of plan.projects) {
    const project = model.projects.get(p.id)!;
    const prints = fingerprintTasks(model, project, templates);
    const streamFingerprints = new Map((project.plan?.streams ?? []).map((s) => [s.id, streamFingerprint(s, prints)]));
    const branches = ws ? await streamBranches(ws, project) : undefined;
    projects.push(projectReport({ project, plan: p, streamFingerprints, ...(branches ? { branches } : {}) }));
  }
  const report = statusReport(projects);
  io.stdout(values.json ? `${JSON.stringify(report, null, 2)}\n` : renderStatus(report));
  return EXIT.ok;
}

/** Each stream's branch that exists, and whether it holds work the working branch lacks. */
async function streamBranches(ws: Workspace, project: LoadedProject): Promise<Map<string, { name: string; unmerged: boolean }>> {
  const out = new Map<string, { name: string; unmerged: boolean }>();
  for (const s of project.plan?.streams ?? []) {
    const name = ws.streamBranchOf(project.id, s.id);
    if (await ws.store.branchExists(name)) out.set(s.id, { name, unmerged: await ws.streamPending(project.id, s.id) });
  }
  return out;
}
