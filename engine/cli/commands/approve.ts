// `ateams approve`: the Director's decisions from a terminal, committed at once on the working branch the way
// `/approve` on a pull request would record them: a plan option, or (review-streams oversight) a finished stream.
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { GitStoreError } from "../../forge/index.ts";
import { loadTemplates } from "../../prompts/templates.ts";
import { approveInText } from "../../rewrite/plan-yaml.ts";
import { acceptStream as acceptReviewedStream } from "../../run/accept-stream.ts";
import { trailers } from "../../run/context.ts";
import { openWorkspace, WorkspaceError, type Workspace } from "../../run/workspace.ts";
import type { AgencyModel, LoadedProject } from "../../spec/model.ts";
import { chooseOption, directorHandle } from "../../status/approval.ts";
import { clearProjectCondition, emptyStatus } from "../../status/record.ts";
import { schemaRefFor } from "../../rewrite/schema-ref.ts";
import { serializeStatus } from "../../status/serialize.ts";
import { COMMON_OPTIONS, parse } from "../args.ts";
import { EXIT, UsageError, type CliIO } from "../io.ts";
import { loadOrReport } from "../report.ts";

export const APPROVE_HELP = `Usage: ateams approve <project> [option] [--by <name>] [--agency <dir>] [--json]
       ateams approve <project> --stream <id> [--by <name>] [--agency <dir>] [--json]

Records the Director's decision and commits it at once on the current branch (trailers
Ateams-Project and Ateams-Kind), as /approve on the plan pull request would.

Without --stream: approves the plan. plan.yaml gets \`chosen: <option>\` (default: the PM's
recommended option) and \`approval: {by, at}\`, keeping its comments; an AwaitingApproval
condition in status.yaml is cleared in the same commit. Approving the option already
approved changes nothing. If the chosen option is not the one the streams decompose, the
next \`ateams run\` has the PM decompose it.

With --stream <id> (review-streams oversight): accepts a stream that waits for review.
Its branch ateams/<project>/<id> is merged into the current branch and status.yaml
records streams.<id>.accepted with the stream's fingerprint. Only a stream the planner
shows as awaiting review (its tasks done, its Collaborator satisfied) can be accepted;
otherwise the reason is printed.

Options:
  --by <name>       who approves (default: the project director's GitHub handle)
  --stream <id>     accept this stream instead of approving the plan
  --agency <dir>    the agency directory (default: ./agency), inside a git repository
  --json            print {project, decision: "plan"|"stream", option, stream, by, at,
                    changed, commit, message} on stdout
  -h, --help        show this help

Exit status: 0 recorded (or already recorded), 1 invalid specs or nothing that can be
approved (no plan yet, stream not awaiting review, merge conflict), 2 usage error.
`;

interface Outcome {
  project: string;
  decision: "plan" | "stream";
  option: string | null;
  stream: string | null;
  by: string;
  at: string | null;
  /** False when it was already recorded: no commit was made. */
  changed: boolean;
  commit: string | null;
  message: string;
}

export async function approveCommand(argv: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(
    argv,
    { ...COMMON_OPTIONS, by: { type: "string" }, stream: { type: "string" }, json: { type: "boolean", default: false } },
    2,
  );
  if (values.help) {
    io.stdout(APPROVE_HELP);
    return EXIT.ok;
  }
  const [projectId, option] = positionals;
  if (!projectId) throw new UsageError("missing <project>");
  if (values.stream !== undefined && option !== undefined) throw new UsageError("--stream accepts a stream; it takes no plan option");
  if (values.by !== undefined && !values.by.trim()) throw new UsageError("--by needs a name");

  let ws: Workspace;
  try {
    ws = await openWorkspace(resolve(io.cwd, values.agency));
  } catch (e) {
    if (!(e instanceof WorkspaceError)) throw e;
    io.stderr(`ateams: ${e.message.replace("ateams run", "ateams approve")}\n`);
    return EXIT.invalid;
  }
  const model = await loadOrReport(io, values.agency, { observeOutputs: ws.observeOutputs });
  if (!model) return EXIT.invalid;
  const project = model.projects.get(projectId);
  if (!project) throw new UsageError(`unknown project '${projectId}' (have: ${[...model.projects.keys()].join(", ")})`);
  if (!project.plan) {
    io.stderr(`ateams: ${project.id} has no plan yet: \`ateams run\` has the PM propose one, then approve it\n`);
    return EXIT.invalid;
  }
  if (values.stream !== undefined && !(project.plan.streams ?? []).some((s) => s.id === values.stream)) {
    const ids = (project.plan.streams ?? []).map((s) => s.id);
    throw new UsageError(`unknown stream '${values.stream}' in ${project.id} (${ids.length ? `streams: ${ids.join(", ")}` : "the plan has no streams yet"})`);
  }
  const by = values.by?.trim() ?? directorHandle(model.spec, project.spec);
  const at = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");

  let outcome: Outcome | string;
  try {
    outcome = values.stream !== undefined ? await acceptStream(ws, model, project, values.stream, by, at) : await approvePlan(ws, project, option, by, at);
  } catch (e) {
    // Git refusing (local edits in the way, a ref that moved) is the user's to resolve, not an internal error.
    if (!(e instanceof GitStoreError)) throw e;
    io.stderr(`ateams: ${e.message}\n`);
    return EXIT.invalid;
  }
  if (typeof outcome === "string") {
    io.stderr(`ateams: ${outcome}\n`);
    return EXIT.invalid;
  }
  io.stdout(values.json ? `${JSON.stringify(outcome, null, 2)}\n` : `${outcome.changed ? "✓" : "="} ${outcome.message}\n`);
  return EXIT.ok;
}

async function approvePlan(ws: Workspace, project: LoadedProject, requested: string | undefined, by: string, at: string): Promise<Outcome> {
  const plan = project.plan!;
  const choice = chooseOption(plan, requested);
  if (!choice.ok) throw new UsageError(choice.message);
  const base = { project: project.id, decision: "plan" as const, option: choice.option, stream: null };
  if (choice.already) {
    const a = plan.approval!;
    return { ...base, by: a.by, at: a.at, changed: false, commit: null, message: `${project.id}: ${choice.option} is already approved (by ${a.by} at ${a.at}); nothing to do` };
  }
  const text = approveInText(await readFile(project.planFile, "utf8"), choice.option, by, at);
  const files = [{ path: ws.repoPath(project.planFile), content: text }];
  // The AwaitingApproval condition said "the Director must choose": that is now answered.
  const status = project.status ?? emptyStatus(project.id);
  const cleared = clearProjectCondition(status, "AwaitingApproval", "PlanAwaitingApproval");
  if (cleared !== status) files.push({ path: ws.repoPath(project.statusFile), content: serializeStatus(cleared, schemaRefFor(project.statusFile, ws.repoRoot, "status")) });
  const result = await ws.commitWorking(files, `ateams: ${project.id} plan ${choice.option} approved by ${by}`, trailers({ project: project.id, kind: "approve" }));
  const redo = plan.basedOn !== choice.option ? `; the next \`ateams run\` has the PM decompose ${choice.option} into streams and tasks` : "";
  return { ...base, by, at, changed: result.changed, commit: result.sha, message: `${project.id}: ${choice.option} approved by ${by} in ${result.sha.slice(0, 7)} on ${ws.workingBranch}${redo}` };
}

/** A refusal comes back as a string (exit 1); "already accepted" as an unchanged outcome (exit 0). */
async function acceptStream(ws: Workspace, model: AgencyModel, project: LoadedProject, stream: string, by: string, at: string): Promise<Outcome | string> {
  const accepted = await acceptReviewedStream(ws, model, project, stream, await loadTemplates(), { by, at });
  const base = { project: project.id, decision: "stream" as const, option: null, stream, by };
  if (accepted.kind === "refused") return `cannot accept ${project.id}/${stream}: ${accepted.message}`;
  if (accepted.kind === "already") {
    const a = project.status!.streams![stream]!.accepted!;
    return { ...base, by: a.by ?? by, at: a.at, changed: false, commit: a.commit ?? null, message: `${project.id}: ${accepted.message}; nothing to do` };
  }
  if (accepted.kind === "conflict") {
    return `cannot accept ${project.id}/${stream}: merging ${accepted.branch} into ${ws.workingBranch} conflicts in ${accepted.paths.join(", ")}; resolve it with \`git merge ${accepted.branch}\`, then approve again`;
  }
  const result = await ws.commitWorking([{ path: ws.repoPath(project.statusFile), content: serializeStatus(accepted.status, schemaRefFor(project.statusFile, ws.repoRoot, "status")) }], `ateams: ${project.id}/${stream} accepted by ${by}`, accepted.trailers);
  const how = accepted.merged.status === "merged" ? `merged ${accepted.branch} into ${ws.workingBranch}` : `${accepted.branch} was already part of ${ws.workingBranch}`;
  return { ...base, at, changed: true, commit: result.sha, message: `${project.id}/${stream} accepted by ${by}: ${how}, recorded in ${result.sha.slice(0, 7)}` };
}
