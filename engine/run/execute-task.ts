// run-task (+ its verify-task): Specialist works, Collaborator checks, bounded revision rounds, then one commit of
// the files and work log on the stream branch and one status commit on the working branch.
import { recallForTask } from "../memory/recall.ts";
import type { MemorySelection } from "../memory/select.ts";
import { doTask, type FileText } from "../agents/specialist.ts";
import { verifyTask } from "../agents/collaborator.ts";
import { emptyUsage, type UsageTotals } from "../agency/usage.ts";
import { resolveBlocker } from "../agents/pm.ts";
import { fingerprintTasks, roleVersion } from "../plan/fingerprint.ts";
import { agentTier, escalate } from "../plan/route.ts";
import type { TaskAction } from "../plan/types.ts";
import { specialistSystem } from "../prompts/specialist-prompt.ts";
import { collaboratorView, pmView, specialistIdOf } from "../prompts/views.ts";
import { replanTaskInText, splitTaskInText } from "../rewrite/plan-yaml.ts";
import { assertNever } from "../agency/assert-never.ts";
import { planProblems } from "./plan-checks.ts";
import { gitBlobId } from "../agency/load-agency.ts";
import { outputKey, type AgencyModel, type LoadedProject } from "../agency/model.ts";
import type { BlockerRecord, CollaboratorVerdict, Plan, PmBlockerReply, Status, Task } from "../agency/types.gen.ts";
import { askDirector, blockerKey, closeQuestions, decideBlocker, recordBlocker } from "../status/blockers.ts";
import { recordTaskDone, recordTaskEscalated, recordTaskFailed } from "../status/record.ts";
import { acceptFiles } from "../agents/reply-checks.ts";
import { depsForAttempt, trailers, type RunContext } from "./run-context.ts";
import { actionAttempt, actionKey, taskAttempt } from "../status/retry.ts";
import { canRun, prepareToolsFor, refusedTools, toolsFor } from "../tools/registry.ts";
import { ActionError } from "./outcome.ts";
import { formatLogEntry, type LogRound } from "./work-log.ts";
import type { ActionMeter } from "./action-meter.ts";
import { appendRecords, metricsFile, type MetricsRecord, type TaskRecord } from "../metrics/records.ts";
import { logPath, taskInputs } from "./task-inputs.ts";
import { readFileSync } from "node:fs";
import { joinInside, pathProblem } from "../forge/safe-path.ts";
import { KeyedMutex } from "../forge/index.ts";
import type { Workspace } from "./workspace.ts";
import { join } from "node:path";
import { parse } from "yaml";
import { parseTrailers } from "../agency/commit-trailers.ts";
import { maxRevisionRounds, maxToolSteps } from "../agency/settings.ts";

/** `left`: no commit to adopt, and the task work is a stream job's (a fan-out reconcile); nothing was recorded. */
export type TaskResult = "done" | "adopted" | "escalated" | "failed" | "replanned" | "blocked" | "left";

export async function executeTask(ctx: RunContext, model: AgencyModel, project: LoadedProject, action: TaskAction, opts: { adoptOnly: boolean; meter: ActionMeter }): Promise<TaskResult> {
  const usage = emptyUsage();
  try {
    return await attemptTask(ctx, model, project, action, usage, opts);
  } catch (e) {
    throw usage.calls ? new ActionError(e, usage) : e;
  }
}

async function attemptTask(ctx: RunContext, model: AgencyModel, project: LoadedProject, action: TaskAction, usage: UsageTotals, { adoptOnly, meter }: { adoptOnly: boolean; meter: ActionMeter }): Promise<TaskResult> {
  const { ws, templates } = ctx;
  const fp = fingerprintTasks(model, project, templates).get(action.task)!;
  const { task, stream, routing } = fp;
  const status = ctx.status(project);
  // A retry asks the models afresh: its earlier try's replies (valid, and still a failure) stay in the cache.
  const deps = depsForAttempt(ctx.deps, taskAttempt(status.current.tasks?.[task.id]));
  const specialist = specialistIdOf(task);
  const branch = ws.streamBranchOf(project.id, stream.id);
  // Checked before joining (safe-path.ts): a path the plan or the model names cannot leave the stream's folder.
  const outputsDir = ws.repoPath(join(project.dir, "outputs", stream.id));
  const outputPath = (p: string) => joinInside(outputsDir, p);
  const metricsPath = ws.repoPath(metricsFile(project.dir, stream.id));
  /** All this task may commit: its declared outputs, its Specialist's work log and its stream's metrics, nothing else. */
  const allowed = { files: [...task.outputs.map((o) => outputPath(o.path)), ws.repoPath(logPath(project, stream.id, specialist)), metricsPath] };
  const record = (files: FileText[], usage: UsageTotals | undefined, commit: string, revisions: number, modelId: string, tier: string, memory: string | undefined) =>
    status.update(
      (s) =>
        // A question this task asked is moot once it is done (the Director edited it instead of answering).
        closeQuestions(recordTaskDone(s, task.id, {
          fingerprint: fp.fingerprint,
          parts: fp.parts,
          tier,
          model: modelId,
          outputs: files.map((f) => ({ path: f.path, blob: gitBlobId(Buffer.from(f.content)) })),
          ...(usage ? { usage } : {}),
          commit,
          revisions,
          roleVersion: roleVersion(model, task.role),
          ...(memory ? { memory } : {}),
          at: ctx.now(),
        })),
      `ateams: ${project.id}/${task.id} done`,
      trailers({ project: project.id, kind: "status", stream: stream.id, task: task.id, fingerprint: fp.fingerprint }),
    );

  // A commit for exactly these inputs may exist from a run that died before recording it: adopt, don't redo.
  const prior = await ws.findTaskCommit(project.id, stream.id, task.id, fp.fingerprint);
  if (prior) {
    const files: FileText[] = [];
    for (const o of task.outputs) files.push({ path: o.path, content: (await ws.store.readFile(prior.sha, outputPath(o.path))) ?? "" });
    // The outputs seen now must be that commit's: a deleted file, or a newer version from other inputs since, is
    // put back from it (a commit, still no model call).
    const current = files.every((f) => project.outputs.get(outputKey(stream.id, f.path))?.blob === gitBlobId(Buffer.from(f.content)));
    let sha = prior.sha;
    if (!current) {
      sha = (
        await withBranchLock(ws, branch, () =>
          ws.commitStream(project.id, stream.id, files.map((f) => ({ path: outputPath(f.path), content: f.content })), `${project.id}/${task.id}: ${task.title} (restored from ${prior.sha.slice(0, 8)})`, prior.trailers, allowed),
        )
      ).sha;
    }
    const adopted = parseTrailers(prior.trailers);
    await record(files, adopted.usage, sha, 0, adopted.model ?? routing.model, routing.tier, adopted.memory);
    ctx.progress.emit({ kind: "done", project: project.id, action: task.id, text: `${current ? "recovered from" : "restored from"} commit ${prior.sha.slice(0, 8)} (no model call)` });
    return "adopted";
  }
  if (adoptOnly) {
    ctx.progress.emit({ kind: "info", project: project.id, action: task.id, text: `left for the ${stream.id} stream's job (no commit of it to adopt)` });
    return "left";
  }

  const maxRounds = maxRevisionRounds(model.spec);
  const collab = agentTier(model.spec, "collaborator", stream.collaborator?.tier);
  // Rendered when first needed: the Specialist's call goes out first.
  let collabSystem: string | undefined;
  const { upstream, resources, feedback: human } = await taskInputs(ws, model, project, task, status.current);
  await prepareToolsFor(model, project, model.roles.get(task.role)!.spec);
  const tools = toolsFor(model, project, model.roles.get(task.role)!.spec, ws.repoRoot);
  for (const r of refusedTools(model, project, model.roles.get(task.role)!.spec)) {
    ctx.progress.emit({ kind: "info", project: project.id, action: task.id, text: `tool ${r.id} is not offered: ${r.reason}` });
  }
  const memory = await recallForTask(ctx.memory, model, stream, task);
  const system = specialistSystem(templates, model, project, stream, task, canRun, memory);
  const rounds: LogRound[] = [];
  const started = Date.now();
  /** How this attempt ended, with what it cost (the PM's calls on a blocker included). */
  const ended = (outcome: TaskRecord["outcome"], modelId: string, verdict: CollaboratorVerdict) =>
    meter.task({
      roleVersion: roleVersion(model, task.role),
      tier: routing.tier,
      // Why this tier: what routing learns from (engine/metrics/routing-learn.ts).
      ...(routing.score !== undefined ? { score: routing.score } : {}),
      routing: routing.rule,
      model: modelId,
      outcome,
      rounds: rounds.length,
      checks: { met: verdict.checks.filter((c) => c.met).length, total: verdict.checks.length },
      // What it was sent back for: the evidence the L&P Manager reviews.
      feedback: rounds.filter((r) => r.verdict.verdict === "revise").flatMap((r) => r.verdict.feedback).slice(0, 10).map((f) => f.slice(0, 300)),
      wallMs: Date.now() - started,
      calls: usage.calls,
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
      costUsd: Math.round(usage.costUsd * 1e6) / 1e6,
    });
  let previous: FileText[] = [];
  let collabFeedback: { by: string; text: string }[] = [];
  ctx.progress.emit({ kind: "start", project: project.id, action: task.id, text: `[${specialist}] ${task.title} on ${routing.model} (${routing.tier})` });

  for (let round = 1; round <= maxRounds + 1; round++) {
    const work = await doTask(deps, templates, {
      project: project.spec,
      specialist,
      tier: routing.tier,
      system,
      task,
      upstream,
      resources,
      feedback: [...human, ...collabFeedback],
      previous,
      usage,
      tools: { list: tools, maxSteps: maxToolSteps(model.spec) },
    });
    // The reply was checked against the declared outputs before it was accepted (agents/reply-checks.ts).
    const { files } = acceptFiles(task.outputs.map((o) => o.path), work.value);
    const verdict: CollaboratorVerdict = (
      await verifyTask(deps, templates, { project: project.spec, tier: collab.id, system: (collabSystem ??= templates.render("collaborator.system", collaboratorView(model, project, stream))), specialist, task, files, questions: work.value.questions, round, maxRounds: maxRounds + 1, usage })
    ).value;
    rounds.push({ round, model: work.model, work: work.value, verdict });

    if (verdict.verdict === "pass") {
      ended("accepted", work.model, verdict);
      // Reading the log and the metrics and committing them are one step per branch: two tasks of one specialist
      // finishing together must both keep their entry.
      const commit = await withBranchLock(ws, branch, async () => {
        // The stream's files as they stand: on its branch while that holds unmerged work, else on the working branch
        // (a merged branch may be gone, deleted with its pull request).
        const source = (await ws.streamPending(project.id, stream.id)) ? branch : "HEAD";
        const log = await appendLog(ctx, source, project, stream.id, specialist, formatLogEntry({ task, specialist, model: work.model, tier: work.tier, rounds, at: ctx.now(), human, memory }));
        const metrics = { path: metricsPath, content: appendRecords(await ws.store.readFile(source, metricsPath), meter.take()) };
        return ws.commitStream(
          project.id,
          stream.id,
          [...files.map((f) => ({ path: outputPath(f.path), content: f.content })), log, metrics],
          `${project.id}/${task.id}: ${task.title}\n\n${work.value.summary}`,
          {
            // What the work cost travels with it, so a run that adopts this commit (a fan-out job's) counts it.
            ...trailers({ project: project.id, kind: "task", stream: stream.id, task: task.id, role: task.role, model: work.model, fingerprint: fp.fingerprint, usage, memory: memory.digest }),
          },
          allowed,
        );
      });
      await record(files, usage, commit.sha, round - 1, work.model, work.tier, memory.digest);
      ctx.progress.emit({ kind: "done", project: project.id, action: task.id, text: `[${specialist}] ${work.model}, ${round - 1} revision(s), ${usage.inputTokens + usage.outputTokens} tokens, $${usage.costUsd.toFixed(4)}, ${((Date.now() - started) / 1000).toFixed(1)}s` });
      return "done";
    }
    if (verdict.verdict === "blocked") {
      try {
        return await handleBlocker(ctx, model, project, action, verdict.blocker ?? verdict.feedback.join("; "), usage);
      } finally {
        ended("blocked", work.model, verdict);
      }
    }
    collabFeedback = verdict.feedback.map((text) => ({ by: "collaborator", text }));
    previous = files.length ? files : previous;
    if (round <= maxRounds) ctx.progress.emit({ kind: "revise", project: project.id, action: task.id, text: `round ${round}: ${verdict.feedback.slice(0, 2).join(" / ").slice(0, 160)}` });
  }

  // Revisions ran out: climb a tier if there is one (the planner reruns on it), else fail with these inputs.
  const stronger = escalate(model.spec, routing.tier, 1);
  const message = `not accepted after ${maxRounds} revision round(s): ${collabFeedback.map((f) => f.text).join("; ").slice(0, 300)}`;
  const last = rounds[rounds.length - 1]!;
  ended(stronger.id !== routing.tier ? "escalated" : "failed", last.model, last.verdict);
  if (stronger.id !== routing.tier) {
    await status.update((s) => recordTaskEscalated(s, task.id, { fingerprint: fp.fingerprint, message: `${message}; escalating to ${stronger.id}`, at: ctx.now(), usage }), `ateams: ${project.id}/${task.id} escalated to ${stronger.id}`, trailers({ project: project.id, kind: "status", task: task.id }));
    ctx.progress.emit({ kind: "failed", project: project.id, action: task.id, text: `${message}; escalating to ${stronger.id}` });
    return "escalated";
  }
  await status.update((s) => recordTaskFailed(s, task.id, { fingerprint: fp.fingerprint, reason: "RevisionsExhausted", message, at: ctx.now(), usage }), `ateams: ${project.id}/${task.id} failed`, trailers({ project: project.id, kind: "status", task: task.id }));
  ctx.progress.emit({ kind: "failed", project: project.id, action: task.id, text: message });
  return "failed";
}

async function appendLog(ctx: RunContext, source: string, project: LoadedProject, stream: string, specialist: string, entry: string) {
  const path = ctx.ws.repoPath(logPath(project, stream, specialist));
  const existing = (await ctx.ws.store.readFile(source, path)) ?? `# Work log: ${specialist} in ${project.id}/${stream}\n`;
  return { path, content: `${existing.trimEnd()}\n\n${entry}` };
}

/**
 * The blocked path: the PM is consulted for every new blocker (blockers.ts decides) and rephrases the task, gives it
 * to another role, splits off a task to do first, or asks the Director; a question blocks the project until it is
 * answered (`ateams answer`, `/answer`) or the task is edited or retried.
 */
async function handleBlocker(ctx: RunContext, model: AgencyModel, project: LoadedProject, action: TaskAction, blocker: string, usage: UsageTotals): Promise<TaskResult> {
  const status = ctx.status(project);
  const stream = project.plan!.streams!.find((s) => s.id === action.stream)!;
  const task = stream.tasks.find((t) => t.id === action.task)!;
  const records = status.current.tasks?.[task.id]?.blockers ?? [];
  const key = blockerKey(blocker, action.fingerprint);
  const decision = decideBlocker(records, key);
  const pm = agentTier(model.spec, "projectManager");
  const at = ctx.now();
  const tr = (kind: string) => trailers({ project: project.id, kind, task: task.id });
  ctx.progress.emit({ kind: "blocked", project: project.id, action: task.id, text: `Collaborator: ${blocker}` });
  const reply: PmBlockerReply =
    decision.kind === "consult-pm"
      ? (
          await resolveBlocker(depsForAttempt(ctx.deps, taskAttempt(status.current.tasks?.[task.id])), ctx.templates, {
            project: project.spec,
            tier: pm.id,
            system: ctx.templates.render("pm.system", pmView(model, project)),
            usage,
            stream,
            task,
            blocker,
            roles: [...model.roles.keys()].filter((r) => r !== task.role),
            earlier: records.map((r) => ({ blocker: r.blocker, resolution: r.resolution, answer: r.answer?.text ?? null })),
          })
        ).value
      : { resolution: "ask-director", description: null, criteria: null, role: null, newTask: null, question: `Task ${task.id} is blocked (${decision.why}): ${blocker}` };
  const failed = (s: Status, reason: string, message: string) => recordTaskFailed(s, task.id, { fingerprint: action.fingerprint, reason, message, at, usage });

  const change = planChange(model, project, task, reply);
  if (change && "text" in change) {
    await status.update(
      (s) => recordBlocker(failed(s, "Replanned", `blocked (${blocker}); the PM ${change.what}`), task.id, { key, blocker, at, ...change.record }),
      `ateams: ${project.id}/${task.id} blocked; the PM ${change.what}`,
      tr("replan"),
      [{ path: ctx.ws.repoPath(project.planFile), content: change.text }],
    );
    ctx.progress.emit({ kind: "info", project: project.id, action: task.id, text: `the PM ${change.what}` });
    return "replanned";
  }
  // The PM asked, or its re-plan would not make a valid plan: then the Director decides, told why.
  const question = change ? `The PM's ${reply.resolution} for ${task.id} would not make a valid plan (${change.problems.join("; ")}); the blocker: ${blocker}` : reply.question?.trim() || blocker;
  await status.update(
    (s) => askDirector(failed(s, "Blocked", blocker), task.id, { key, blocker, at, resolution: "ask-director", question }, at),
    `ateams: ${project.id}/${task.id} blocked, question for the Director`,
    tr("status"),
  );
  ctx.progress.emit({ kind: "blocked", project: project.id, action: task.id, text: `question for the Director: ${question} (answer with \`ateams answer ${project.id} <answer>\` or /answer)` });
  return "blocked";
}

type PlanChange = { text: string; what: string; record: Pick<BlockerRecord, "resolution" | "role" | "task"> } | { problems: string[] };

/**
 * plan.yaml as the PM's resolution rewrites it, checked exactly as the loader would check it; undefined when the
 * resolution asks the Director (or says nothing usable).
 */
function planChange(model: AgencyModel, project: LoadedProject, task: Task, reply: PmBlockerReply): PlanChange | undefined {
  const rephrased = reply.description?.trim() && reply.criteria?.length ? { description: reply.description, criteria: reply.criteria } : undefined;
  const source = readFileSync(project.planFile, "utf8");
  let text: string;
  let what: string;
  let record: Pick<BlockerRecord, "resolution" | "role" | "task">;
  switch (reply.resolution) {
    case "replan-task":
      if (!rephrased) return undefined;
      text = replanTaskInText(source, task.id, rephrased);
      what = "rephrased the task";
      record = { resolution: "replan-task" };
      break;
    case "reassign-role":
      if (!reply.role || reply.role === task.role) return undefined;
      text = replanTaskInText(source, task.id, { ...rephrased, role: reply.role });
      what = `gave the task to ${reply.role}`;
      record = { resolution: "reassign-role", role: reply.role };
      break;
    case "split-task": {
      const added = reply.newTask;
      if (!added) return undefined;
      text = splitTaskInText(rephrased ? replanTaskInText(source, task.id, rephrased) : source, task.id, added);
      what = `split off ${added.id} (${added.role}) to be done first`;
      record = { resolution: "split-task", task: added.id };
      break;
    }
    case "ask-director":
      return undefined;
    default:
      return assertNever(reply.resolution);
  }
  let plan: Plan;
  try {
    plan = parse(text) as Plan;
  } catch (e) {
    return { problems: [e instanceof Error ? e.message : String(e)] };
  }
  const problems = planProblems(model, project.id, plan, text, []);
  return problems.length ? { problems } : { text, what, record };
}

/**
 * Records of a task's attempts that ended without its work (escalated, failed, blocked) committed to its stream's
 * metrics file on the stream branch. A `--stream` job's status stays local; its branch is what reaches the working
 * branch, so this is how those outcomes (what routing learns from) survive a fan-out run.
 */
export async function commitAttemptRecords(ctx: RunContext, project: LoadedProject, stream: string, task: string, records: MetricsRecord[]): Promise<void> {
  if (!records.length) return;
  const ws = ctx.ws;
  const branch = ws.streamBranchOf(project.id, stream);
  const path = ws.repoPath(metricsFile(project.dir, stream));
  await withBranchLock(ws, branch, async () => {
    const source = (await ws.streamPending(project.id, stream)) ? branch : "HEAD";
    const content = appendRecords(await ws.store.readFile(source, path), records);
    await ws.commitStream(project.id, stream, [{ path, content }], `${project.id}/${task}: metrics of an attempt that did not finish`, trailers({ project: project.id, kind: "metrics", stream, task }), { files: [path] });
  });
}

/** Read-modify-commit steps on one stream branch of one repository, one at a time within this process. */
const streamLocks = new KeyedMutex();
const withBranchLock = <T>(ws: Workspace, branch: string, work: () => Promise<T>): Promise<T> => streamLocks.run(`${ws.repoRoot}\0${branch}`, work);

