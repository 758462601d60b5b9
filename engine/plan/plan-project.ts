// The reconcile planner for one project: recorded state + specs → stage and next actions. Pure.
import type { AgencyModel, LoadedProject } from "../agency/model.ts";
import { outputKey } from "../agency/model.ts";
import type { Condition, Stream } from "../agency/types.gen.ts";
import type { Templates } from "../prompts/templates.ts";
import { DIRECTOR_INPUT, directorInputMoot } from "../status/blockers.ts";
import { collaboratorView, oversightOf, pmView, specialistIdOf, projectView } from "../prompts/views.ts";
import { digest } from "./digest.ts";
import { addEstimates, assumptions, estimate, tokensOf, ZERO, type Estimate } from "./estimate.ts";
import { fingerprintTasks, roleVersion, staleReasons, type TaskFingerprint } from "./fingerprint.ts";
import { planFeedbackPending } from "./plan-feedback.ts";
import { actionInputs } from "./action-inputs.ts";
import { actionKey, actionRetryGate, taskRetryGate } from "../status/retry.ts";
import { agentTier } from "./route.ts";
import type { Action, ActionKind, ActionOf, BlockedTask, ProjectPlan, Stage } from "./types.ts";
import { blockedCondition } from "../status/conditions.ts";

/** What a planner says about an action: everything but what `add` fills in; a field that may be null may be left out. */
type NullableKeys<T> = { [P in keyof T]-?: null extends T[P] ? P : never }[keyof T];
type Defaulted<T> = Extract<NullableKeys<T> | "after" | "estimate", keyof T>;
type FieldsOf<T> = Omit<T, "id" | "kind" | "project" | Defaulted<T>> & Partial<Pick<T, Defaulted<T>>> & { stream?: string | null; task?: string | null };

const TASK_MESSAGE_OVERHEAD = 300;

export function planProject(model: AgencyModel, project: LoadedProject, templates: Templates, now?: string): ProjectPlan {
  const agency = model.spec;
  const oversight = oversightOf(model, project);
  const plan = project.plan;
  const status = project.status;
  const guess = assumptions(agency);
  const actions: Action[] = [];
  const blocked: BlockedTask[] = [];
  const pm = agentTier(agency, "projectManager");
  const pmPrompt = () => tokensOf(templates.render("pm.system", pmView(model, project)));

  const add = <K extends ActionKind>(kind: K, fields: FieldsOf<ActionOf<K>>): ActionOf<K> => {
    const a = {
      id: `${kind}:${[project.id, fields.task ?? fields.stream].filter(Boolean).join("/")}`,
      kind,
      project: project.id,
      stream: null,
      task: null,
      role: null,
      tier: null,
      model: null,
      routing: null,
      fingerprint: null,
      after: [],
      estimate: ZERO,
      ...fields,
    } as unknown as ActionOf<K>;
    actions.push(a);
    return a;
  };
  /** The task fingerprints, once computed (a project without a plan has none). */
  let known: ReadonlyMap<string, TaskFingerprint> | undefined;
  const done = (stage: Stage, summary: string): ProjectPlan => ({
    id: project.id,
    stage,
    summary,
    oversight,
    actions,
    blocked,
    taughtSince: known ? taughtSinceOf(model, project, known) : [],
    estimate: actions.reduce((sum, a) => addEstimates(sum, a.estimate), ZERO),
  });

  const block = blockedCondition(status?.conditions);
  if (block && block.reason === DIRECTOR_INPUT && !questionsMoot()) {
    return done("blocked", `waiting for the Director's answer: ${block.message ?? block.reason} (\`ateams answer ${project.id} …\` or /answer)`);
  }
  if (block && block.reason !== DIRECTOR_INPUT) return done("blocked", `blocked: ${block.message ?? block.reason}`);

  /** The Director edited (or retried) every task that asked instead of answering: those tasks run again. */
  function questionsMoot(): boolean {
    const prints = fingerprintTasks(model, project, templates);
    return directorInputMoot(status!, (task) => prints.get(task)?.fingerprint);
  }

  const pmCall = (kind: "propose-plan" | "decompose-plan", reason: string, after: string[] = [], output = guess.planOutputTokens) =>
    add(kind, { agent: "pm", tier: pm.id, model: pm.model, reason: retryReason(kind, null, null, reason), after, estimate: estimate(pm, pmPrompt() + TASK_MESSAGE_OVERHEAD, output) });
  // A project-level action that failed: retried after its backoff, and not at all once Stalled (status/retry.ts).
  const held: string[] = [];
  const gateOf = (kind: ActionKind, stream: string | null, fingerprint: string | null) =>
    actionRetryGate(status, actionKey(kind, stream), actionInputs(project, kind, fingerprint), now);
  const holds = (kind: ActionKind, stream: string | null, fingerprint: string | null): boolean => {
    const g = gateOf(kind, stream, fingerprint);
    const key = actionKey(kind, stream);
    if (g.state === "stalled") held.push(`${key} stalled after ${g.failures} failed attempts (${g.reason}); change its inputs, or ateams retry ${project.id}`);
    else if (g.state === "waiting") held.push(`${key} failed (${g.reason}); retried after ${g.until}`);
    else return false;
    return true;
  };
  function retryReason(kind: ActionKind, stream: string | null, fingerprint: string | null, reason: string): string {
    const g = gateOf(kind, stream, fingerprint);
    return g.state === "due" ? `retry ${g.attempt} of ${g.of} after ${g.reason}; ${reason}` : reason;
  }
  const heldStage = (otherwise: Stage): Stage => (held.some((h) => h.includes(" stalled after ")) ? "blocked" : otherwise);

  if (!plan) {
    if (holds("propose-plan", null, null)) return done(heldStage("needs-plan"), held.join("; "));
    const propose = pmCall("propose-plan", "no plan.yaml yet: the PM proposes approaches from the objectives");
    const decompose = pmCall("decompose-plan", "break the recommended option into streams and tasks", [propose.id]);
    gate(decompose.id, "the recommended option");
    return done("needs-plan", "no plan yet: the PM proposes one");
  }

  // /revise on the plan PR: the PM proposes again with the feedback, and work waits for the new plan's approval.
  if (planFeedbackPending(status)) {
    if (holds("propose-plan", null, null)) return done(heldStage("needs-plan"), held.join("; "));
    const propose = pmCall("propose-plan", "the Director asked for changes");
    const decompose = pmCall("decompose-plan", "break the recommended option into streams and tasks", [propose.id]);
    gate(decompose.id, "the recommended option");
    return done("needs-plan", "the Director asked for changes to the plan: the PM proposes again");
  }

  const chosen = plan.chosen ?? (oversight === "autonomous" ? plan.recommended : undefined);
  const target = chosen ?? plan.recommended;
  const decomposed = (plan.streams?.length ?? 0) > 0 && plan.basedOn === target;
  let decomposeId: string | undefined;
  if (!decomposed) {
    if (holds("decompose-plan", null, null)) return done(heldStage("needs-plan"), held.join("; "));
    decomposeId = pmCall(
      "decompose-plan",
      plan.streams?.length ? `the plan's streams decompose ${plan.basedOn}, but ${target} is ${chosen ? "chosen" : "recommended"}` : `break ${target} into streams and tasks`,
    ).id;
  }
  if (!plan.chosen) {
    const gateId = gate(decomposeId, plan.recommended);
    if (oversight !== "autonomous") return done("awaiting-approval", `plan awaits the Director's choice (recommended: ${plan.recommended})`);
    // Autonomous: tasks wait for the recorded choice, so no work starts on an unapproved plan.
    decomposeId = gateId;
  }
  if (!decomposed) return done("needs-plan", `${target} is being decomposed into streams and tasks`);

  // Tasks.
  const streams = plan.streams!;
  const prints = fingerprintTasks(model, project, templates);
  known = prints;
  const recorded = status?.tasks ?? {};
  const willRun = new Set<string>();
  const isBlocked = new Map<string, string>();
  for (const [id, fp] of prints) {
    const rec = recorded[id];
    const deps = fp.task.dependsOn ?? [];
    const blockedDep = deps.find((d) => isBlocked.has(d));
    const streamBlock = blockedCondition(status?.streams?.[fp.stream.id]?.conditions);
    if (streamBlock) {
      isBlocked.set(id, `stream ${fp.stream.id} is blocked: ${streamBlock.message ?? streamBlock.reason}`);
      continue;
    }
    if (blockedDep) {
      isBlocked.set(id, `waits on ${blockedDep}, which is blocked`);
      continue;
    }
    // Failed with these inputs: retried after its backoff, up to the bound; then Stalled until a person retries it.
    const retry = taskRetryGate(rec, fp.fingerprint, now);
    if (retry.state === "stalled") {
      isBlocked.set(id, `stalled after ${retry.failures} failed attempts with these inputs (${retry.reason}); change them, or ateams retry ${project.id} ${id} / /retry`);
      continue;
    }
    if (retry.state === "waiting") {
      isBlocked.set(id, `failed (${retry.reason}); retried after ${retry.until}`);
      continue;
    }
    const missing = fp.task.outputs.filter((o) => !project.outputs.has(outputKey(fp.stream.id, o.path))).map((o) => o.path);
    let reason: string | undefined;
    if (retry.state === "due") reason = `retry ${retry.attempt} of ${retry.of} after ${retry.reason}`;
    else if (!rec?.fingerprint) reason = "new task";
    else if (rec.fingerprint !== fp.fingerprint) reason = staleReasons(fp.parts, rec.inputs).join("; ");
    else if (missing.length) reason = `output missing: ${missing.join(", ")}`;
    if (reason) {
      willRun.add(id);
      runTask(fp, reason, decomposeId);
    }
  }
  for (const [task, reason] of isBlocked) blocked.push({ task, stream: prints.get(task)!.stream.id, reason });

  // Streams: verified by their Collaborator, then merged (or reviewed by a person).
  let allAccepted = true;
  const mergeIds: string[] = [];
  // learningManager.reviewStreams: the L&P Manager reviews each stream once it is merged (again if it is merged anew),
  // when this engine metered its work. Like the project's review, a failed one waits for its retry, holding nothing.
  const streamReviews: string[] = [];
  const reviewStream = (stream: Stream, accepted: string, after: string[]) => {
    if (!learningEnabled(model.spec) || model.spec.learningManager?.reviewStreams !== true) return;
    const fp = streamLearningFingerprint(accepted);
    if (status?.streams?.[stream.id]?.learning?.fingerprint === fp) return;
    const metered = stream.tasks.some((t) => willRun.has(t.id) || status?.tasks?.[t.id]?.roleVersion !== undefined);
    const gate = gateOf("review-stream", stream.id, fp).state;
    if (!metered || gate === "waiting" || gate === "stalled") return;
    const lp = agentTier(model.spec, "learningManager");
    streamReviews.push(
      add("review-stream", {
        stream: stream.id,
        agent: "learning",
        tier: lp.id,
        model: lp.model,
        fingerprint: fp,
        reason: retryReason("review-stream", stream.id, fp, "the stream is merged: the L&P Manager reviews it, so its lessons can reach the later streams"),
        after,
        estimate: estimate(lp, TASK_MESSAGE_OVERHEAD * 2 + stream.tasks.length * 200, guess.planOutputTokens),
      }).id,
    );
  };
  for (const stream of streams) {
    const fp = streamFingerprint(stream, prints);
    const rec = status?.streams?.[stream.id];
    if (rec?.accepted?.fingerprint === fp) {
      reviewStream(stream, fp, []);
      continue;
    }
    allAccepted = false;
    if (stream.tasks.some((t) => isBlocked.has(t.id)) || blockedCondition(rec?.conditions)) continue;
    const taskActions = stream.tasks.filter((t) => willRun.has(t.id)).map((t) => `verify-task:${project.id}/${t.id}`);
    let after = taskActions;
    const verifying = rec?.verified?.fingerprint !== fp || taskActions.length > 0;
    if (verifying && !taskActions.length && holds("verify-stream", stream.id, fp)) continue;
    if (verifying) {
      const collab = agentTier(agency, "collaborator", stream.collaborator?.tier);
      const outputs = stream.tasks.reduce((n, t) => n + outputTokens(project, stream, t.id, prints, guess.outputTokensPerFile), 0);
      const prompt = tokensOf(templates.render("collaborator.system", collaboratorView(model, project, stream)));
      after = [
        add("verify-stream", {
          stream: stream.id,
          agent: "collaborator",
          tier: collab.id,
          model: collab.model,
          fingerprint: fp,
          reason: retryReason("verify-stream", stream.id, fp, taskActions.length ? `${taskActions.length} task(s) of this stream change` : "stream not yet verified"),
          after: taskActions,
          estimate: estimate(collab, prompt + outputs + TASK_MESSAGE_OVERHEAD, guess.verdictOutputTokens),
        }).id,
      ];
    }
    if (oversight === "review-streams") {
      add("await-review", { stream: stream.id, agent: "director", fingerprint: fp, reason: "review-streams oversight: a person accepts each stream", after });
    } else {
      const merge = add("merge-stream", { stream: stream.id, agent: "engine", fingerprint: fp, reason: "stream verified: merge into the working branch", after }).id;
      mergeIds.push(merge);
      reviewStream(stream, fp, [merge]);
    }
  }

  // Assembly, once every stream is (or is about to be) accepted without waiting on a person.
  const assemblyFp = assemblyFingerprint(project, prints, templates);
  const streamsReady = allAccepted || (blocked.length === 0 && held.length === 0 && !actions.some((a) => a.kind === "await-review"));
  if (streamsReady && status?.assembly?.fingerprint !== assemblyFp && !holds("assemble", null, assemblyFp)) {
    const all = streams.flatMap((s) => s.tasks.map((t) => outputTokens(project, s, t.id, prints, guess.outputTokensPerFile)));
    add("assemble", {
      agent: "pm",
      tier: pm.id,
      model: pm.model,
      fingerprint: assemblyFp,
      reason: retryReason(
        "assemble",
        null,
        assemblyFp,
        !status?.assembly
          ? "all streams accepted: assemble the deliverable"
          : newerFeedback(status.assembly)
            ? "the Director asked for changes to the deliverable"
            : "stream outputs changed since the last assembly",
      ),
      after: mergeIds,
      estimate: estimate(pm, pmPrompt() + all.reduce((a, b) => a + b, 0) + TASK_MESSAGE_OVERHEAD, guess.assemblyOutputTokens),
    });
  }

  // The L&P Manager reviews each assembled deliverable once (again when it is assembled anew). A failed review waits
  // for its retry without holding the project: the deliverable is done either way.
  const learningFp = learningFingerprint(assemblyFp);
  const assembling = actions.find((a) => a.kind === "assemble");
  // Reviewed once the deliverable stands: assembled now with nothing else left, or about to be as the last step.
  const closing = assembling !== undefined || actions.length === 0;
  // Only work this engine metered has evidence to review: a project finished before it (no task records a role
  // version) is not reviewed at all, rather than on nothing.
  const metered = actions.some((a) => a.kind === "run-task") || Object.values(status?.tasks ?? {}).some((t) => t.roleVersion !== undefined);
  const assembled = status?.assembly?.fingerprint === assemblyFp;
  const reviewGate = gateOf("review-learning", null, learningFp).state;
  if (learningEnabled(model.spec) && (assembled || assembling) && closing && metered && blocked.length === 0 && status?.learning?.fingerprint !== learningFp && reviewGate !== "waiting" && reviewGate !== "stalled") {
    const lp = agentTier(model.spec, "learningManager");
    add("review-learning", {
      agent: "learning",
      tier: lp.id,
      model: lp.model,
      fingerprint: learningFp,
      reason: retryReason("review-learning", null, learningFp, "the deliverable is assembled: the L&P Manager reviews how the work went and proposes lessons and role edits"),
      // After the streams' reviews too: each review writes the project's learning branch afresh.
      after: [...(assembling ? [assembling.id] : []), ...streamReviews],
      estimate: estimate(lp, TASK_MESSAGE_OVERHEAD * 4 + prints.size * 200, guess.planOutputTokens),
    });
  }

  const kinds = new Set(actions.map((a) => a.kind));
  const heldNote = held.length ? `; ${held.join("; ")}` : "";
  if (kinds.has("run-task")) return done("running", `${willRun.size} of ${prints.size} tasks to run${blocked.length ? `, ${blocked.length} blocked` : ""}${heldNote}`);
  if (kinds.has("verify-stream") || kinds.has("merge-stream") || kinds.has("await-review")) return done("in-review", `streams awaiting verification or review${heldNote}`);
  if (kinds.has("assemble")) return done("assembly", "all streams accepted: assembling the deliverable");
  if (held.length) return done(heldStage(allAccepted ? "assembly" : "in-review"), held.join("; "));
  if (blocked.length) return done("blocked", `${blocked.length} task(s) blocked`);
  if (kinds.has("review-learning")) return done("done", `all ${prints.size} tasks done and the deliverable assembled; the L&P Manager reviews the project`);
  return done("done", `all ${prints.size} tasks done and the deliverable assembled`);

  function gate(after: string | undefined, option: string): string {
    if (oversight === "autonomous") {
      return add("approve-plan", { agent: "engine", reason: `autonomous oversight: proceed with ${option}`, after: after ? [after] : [] }).id;
    }
    return add("await-approval", { agent: "director", reason: "the Director approves the plan (ateams approve, /approve or merging the plan PR)", after: after ? [after] : [] }).id;
  }

  function runTask(fp: TaskFingerprint, reason: string, afterPlan: string | undefined): void {
    const { task, stream, routing } = fp;
    const tier = agency.models.tiers.find((t) => t.id === routing.tier)!;
    const upstream = (task.dependsOn ?? []).reduce((n, d) => n + outputTokens(project, prints.get(d)!.stream, d, prints, guess.outputTokensPerFile), 0);
    const message = tokensOf(task.description.length + task.criteria.join("\n").length) + TASK_MESSAGE_OVERHEAD;
    const out = task.estimate?.outputTokens ?? task.outputs.length * guess.outputTokensPerFile;
    const deps = (task.dependsOn ?? []).filter((d) => willRun.has(d)).map((d) => `verify-task:${project.id}/${d}`);
    const run = add("run-task", {
      stream: stream.id,
      task: task.id,
      role: task.role,
      agent: specialistIdOf(task),
      tier: tier.id,
      model: tier.model,
      routing: routing.rule,
      fingerprint: fp.fingerprint,
      reason,
      after: afterPlan ? [afterPlan, ...deps] : deps,
      estimate: estimate(tier, tokensOf(fp.systemPrompt) + message + upstream, out),
    });
    const collab = agentTier(agency, "collaborator", stream.collaborator?.tier);
    const collabPrompt = tokensOf(templates.render("collaborator.system", collaboratorView(model, project, stream)));
    add("verify-task", {
      stream: stream.id,
      task: task.id,
      role: task.role,
      agent: "collaborator",
      tier: collab.id,
      model: collab.model,
      fingerprint: fp.fingerprint,
      reason: `check ${task.id} against its ${task.criteria.length === 1 ? "criterion" : `${task.criteria.length} criteria`}`,
      after: [run.id],
      estimate: estimate(collab, collabPrompt + message + out, guess.verdictOutputTokens),
    });
  }
}

export function streamFingerprint(stream: Stream, prints: ReadonlyMap<string, TaskFingerprint>): string {
  return digest({
    id: stream.id,
    goal: stream.goal,
    successCriteria: stream.successCriteria,
    tasks: stream.tasks.map((t) => prints.get(t.id)?.fingerprint ?? null),
  });
}

/**
 * The deliverable depends on every stream, the project's own definition, the PM's prompt template and the
 * Director's feedback on the last assembly (absent feedback leaves the digest as it always was).
 */
export function assemblyFingerprint(project: LoadedProject, prints: ReadonlyMap<string, TaskFingerprint>, templates: Templates): string {
  const feedback = project.status?.assembly?.feedback;
  return digest({
    streams: (project.plan?.streams ?? []).map((s) => streamFingerprint(s, prints)),
    project: projectView(project),
    template: templates.digest("pm.system"),
    feedback: feedback?.length ? feedback.map((f) => ({ by: f.by, text: f.text })) : undefined,
  });
}

/** Feedback given after the deliverable was last assembled. */
function newerFeedback(assembly: { at?: string; feedback?: { at: string }[] }): boolean {
  const since = assembly.at ? Date.parse(assembly.at) : -Infinity;
  return (assembly.feedback ?? []).some((f) => Date.parse(f.at) > since);
}

/** Real size when the output exists on disk, the plan's estimate otherwise. */
function outputTokens(project: LoadedProject, stream: Stream, taskId: string, prints: ReadonlyMap<string, TaskFingerprint>, perFile: number): number {
  const task = prints.get(taskId)!.task;
  const bytes = task.outputs.map((o) => project.outputs.get(outputKey(stream.id, o.path))?.bytes);
  if (bytes.every((b) => b !== undefined)) return bytes.reduce((n: number, b) => n + tokensOf(b!), 0);
  return task.estimate?.outputTokens ?? task.outputs.length * perFile;
}


export type { Estimate };

/** Done under an older version of its role that differs only in lessons (a role file edit makes the task stale). */
function taughtSinceOf(model: AgencyModel, project: LoadedProject, prints: ReadonlyMap<string, TaskFingerprint>): { task: string; role: string }[] {
  const out: { task: string; role: string }[] = [];
  const versions = new Map<string, string>(); // one digest per role, not one per task
  const versionOf = (role: string) => versions.get(role) ?? versions.set(role, roleVersion(model, role)).get(role)!;
  for (const [id, fp] of prints) {
    const rec = project.status?.tasks?.[id];
    if (rec?.fingerprint === fp.fingerprint && rec.roleVersion && rec.roleVersion !== versionOf(fp.task.role)) out.push({ task: id, role: fp.task.role });
  }
  return out;
}

/** Whether the L&P Manager reviews assembled projects (agency.yaml `learningManager.enabled`, default true). */
export function learningEnabled(agency: AgencyModel["spec"]): boolean {
  return agency.learningManager?.enabled !== false;
}

/**
 * The review's inputs: the assembly it looks back on. Not the templates it is asked with: a new engine version must
 * not pay for a review of every finished project again.
 */
export function learningFingerprint(assemblyFp: string): string {
  return digest({ kind: "review-learning", assembly: assemblyFp });
}

/** A merged stream's review: once per accepted version of the stream. */
export function streamLearningFingerprint(acceptedFp: string): string {
  return digest({ kind: "review-stream", stream: acceptedFp });
}
