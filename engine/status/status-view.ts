// What `ateams status` shows: the recorded state in status.yaml joined with what the planner would do next. Pure:
// the caller loads, plans and computes stream fingerprints; this only decides how each piece reads.
import type { Action, ProjectPlan, Stage } from "../plan/types.ts";
import type { LoadedProject } from "../agency/model.ts";
import type { Acceptance, Condition } from "../agency/types.gen.ts";
import { blockedCondition, fails, holds, isBlocked } from "./conditions.ts";
import { usageTotals, type UsageTotals } from "../agency/usage.ts";

/** A recorded condition, or `Pending` for a task nothing has been recorded for yet. */
export interface ConditionView {
  type: Condition["type"] | "Pending";
  status: Condition["status"];
  reason: string;
  message: string | null;
  since: string | null;
}

/** `Ready (Succeeded)`, `Ready=False (Replanned)`, `Failed (RevisionsExhausted)`, `Pending`: `ateams status` and `/status` alike. */
export function formatCondition(c: ConditionView | null): string {
  if (!c) return "-";
  if (c.type === "Pending") return "Pending";
  return `${c.type}${c.status === "True" ? "" : `=${c.status}`} (${c.reason})`;
}

/** A recorded verification or acceptance; `current` is false once the stream's fingerprint moved on. */
export interface AcceptanceView {
  fingerprint: string;
  by: string | null;
  at: string;
  commit: string | null;
  current: boolean;
}

/** What the planner would do with a task: nothing (done), run it, nothing until unblocked, or nothing yet. */
export type TaskStage = "done" | "run" | "blocked" | "waiting";

export interface TaskReport {
  id: string;
  title: string;
  stream: string;
  role: string;
  stage: TaskStage;
  reason: string | null;
  condition: ConditionView;
  conditions: ConditionView[];
  tier: string | null;
  model: string | null;
  usage: UsageTotals;
  revisions: number;
  attempts: number;
  escalations: number;
  commit: string | null;
  completedAt: string | null;
}

export type StreamStage = "working" | "verify" | "awaiting-review" | "merge" | "accepted" | "blocked" | "waiting";

export interface StreamReport {
  id: string;
  title: string;
  stage: StreamStage;
  reason: string | null;
  condition: ConditionView | null;
  verified: AcceptanceView | null;
  accepted: AcceptanceView | null;
  /** The stream's branch, and whether it has commits the working branch lacks (null without such a branch). */
  branch: string | null;
  unmerged: boolean | null;
}

/** Things a person has to act on, shown first. */
export interface Attention {
  kind: "awaiting-approval" | "awaiting-review" | "blocked" | "failed";
  stream: string | null;
  task: string | null;
  message: string;
  /** The command that resolves it, when there is one. */
  hint: string | null;
}

export interface PlanView {
  options: string[];
  recommended: string;
  chosen: string | null;
  /** The option the plan's streams decompose. */
  basedOn: string | null;
  approval: { by: string; at: string } | null;
}

export interface ProjectReport {
  id: string;
  name: string;
  stage: Stage;
  summary: string;
  oversight: string;
  plan: PlanView | null;
  conditions: ConditionView[];
  attention: Attention[];
  usage: UsageTotals;
  streams: StreamReport[];
  tasks: TaskReport[];
}

export interface StatusReport {
  projects: ProjectReport[];
  totals: UsageTotals;
}

export interface ProjectInputs {
  project: LoadedProject;
  plan: ProjectPlan;
  /** Current fingerprint of each stream (streamFingerprint over fingerprintTasks). */
  streamFingerprints: ReadonlyMap<string, string>;
  /** Per stream: its branch name and whether it is unmerged; absent outside a git repository. */
  branches?: ReadonlyMap<string, { name: string; unmerged: boolean }>;
}

/** Stages in which the planner holds every task back, so a task's own state says nothing about what happens next. */
const HELD: ReadonlySet<Stage> = new Set(["needs-plan", "awaiting-approval", "blocked"]);

export function projectReport({ project, plan, streamFingerprints, branches }: ProjectInputs): ProjectReport {
  const status = project.status;
  const spec = project.plan;
  const blocked = new Map(plan.blocked.map((b) => [b.task, b.reason]));
  const held = HELD.has(plan.stage);

  const tasks: TaskReport[] = [];
  for (const stream of spec?.streams ?? []) {
    for (const task of stream.tasks) {
      const rec = status?.tasks?.[task.id];
      const run = plan.actions.find((a) => a.kind === "run-task" && a.task === task.id);
      const [stage, reason]: [TaskStage, string | null] = blocked.has(task.id)
        ? ["blocked", blocked.get(task.id)!]
        : run
          ? ["run", run.reason]
          : held
            ? ["waiting", plan.summary]
            : ["done", null];
      const conditions = (rec?.conditions ?? []).map(conditionView);
      tasks.push({
        id: task.id,
        title: task.title,
        stream: stream.id,
        role: task.role,
        stage,
        reason,
        condition: primary(conditions) ?? PENDING,
        conditions,
        tier: rec?.tier ?? null,
        model: rec?.model ?? null,
        usage: usageTotals(rec?.usage),
        revisions: rec?.revisions ?? 0,
        attempts: rec?.attempts ?? 0,
        escalations: rec?.escalations ?? 0,
        commit: rec?.commit ?? null,
        completedAt: rec?.completedAt ?? null,
      });
    }
  }

  const streams: StreamReport[] = (spec?.streams ?? []).map((stream) => {
    const rec = status?.streams?.[stream.id];
    const fp = streamFingerprints.get(stream.id);
    const of = (kind: Action["kind"]) => plan.actions.find((a) => a.kind === kind && a.stream === stream.id);
    const streamTasks = tasks.filter((t) => t.stream === stream.id);
    const blockedTask = streamTasks.find((t) => t.stage === "blocked");
    const blockCondition = blockedCondition(rec?.conditions);
    const running = streamTasks.filter((t) => t.stage === "run");
    const verify = of("verify-stream");
    const review = of("await-review");
    const merge = of("merge-stream");
    const accepted = acceptanceView(rec?.accepted, fp);
    const [stage, reason]: [StreamStage, string | null] = blockCondition
      ? ["blocked", blockCondition.message ?? blockCondition.reason]
      : blockedTask
        ? ["blocked", `${blockedTask.id}: ${blockedTask.reason}`]
        : held
          ? ["waiting", plan.summary]
          : running.length
            ? ["working", `${running.length} of ${streamTasks.length} task(s) to run`]
            : verify
              ? ["verify", verify.reason]
              : review
                ? ["awaiting-review", review.reason]
                : merge
                  ? ["merge", merge.reason]
                  : accepted?.current
                    ? ["accepted", null]
                    : ["waiting", null];
    const conditions = (rec?.conditions ?? []).map(conditionView);
    const branch = branches?.get(stream.id);
    return {
      id: stream.id,
      title: stream.title,
      stage,
      reason,
      condition: primary(conditions) ?? null,
      verified: acceptanceView(rec?.verified, fp),
      accepted,
      branch: branch?.name ?? null,
      unmerged: branch ? branch.unmerged : null,
    };
  });

  return {
    id: project.id,
    name: project.spec.name,
    stage: plan.stage,
    summary: plan.summary,
    oversight: plan.oversight,
    plan: spec
      ? {
          options: spec.options.map((o) => o.id),
          recommended: spec.recommended,
          chosen: spec.chosen ?? null,
          basedOn: spec.basedOn ?? null,
          approval: spec.approval ? { by: spec.approval.by, at: spec.approval.at } : null,
        }
      : null,
    conditions: (status?.conditions ?? []).map(conditionView),
    attention: attention(project, plan, streams),
    usage: usageTotals(status?.usage),
    streams,
    tasks,
  };
}

export function statusReport(projects: ProjectReport[]): StatusReport {
  const totals = projects.reduce<UsageTotals>(
    (t, p) => ({
      calls: t.calls + p.usage.calls,
      inputTokens: t.inputTokens + p.usage.inputTokens,
      outputTokens: t.outputTokens + p.usage.outputTokens,
      costUsd: Math.round((t.costUsd + p.usage.costUsd) * 1e6) / 1e6,
    }),
    usageTotals(undefined),
  );
  return { projects, totals };
}

function attention(project: LoadedProject, plan: ProjectPlan, streams: StreamReport[]): Attention[] {
  const out: Attention[] = [];
  const add = (a: Attention) => {
    // The engine records a blocked stream on the project too (`<stream>: <message>`): say it once.
    if (!out.some((o) => o.kind === a.kind && o.message === a.message)) out.push(a);
  };
  const entry = (kind: Attention["kind"], message: string, more: Partial<Attention> = {}): Attention => ({ kind, stream: null, task: null, message, hint: null, ...more });
  for (const c of project.status?.conditions ?? []) {
    // A Blocked project is the Director's question (DirectorInput), a stream that cannot merge, or a budget stop.
    if (holds(c, "Blocked")) add(entry("blocked", c.message ?? c.reason, { hint: blockedHint(project.id, c) }));
    if (holds(c, "Failed") || fails(c, "Ready")) add(entry("failed", `${c.reason}${c.message ? `: ${c.message}` : ""}`, { hint: `ateams retry ${project.id}` }));
    if (holds(c, "Stalled")) add(entry("failed", `stalled: ${c.message ?? c.reason}`, { hint: `ateams retry ${project.id}` }));
  }
  if (plan.stage === "awaiting-approval" && project.plan) {
    const p = project.plan;
    add(
      entry("awaiting-approval", `the plan awaits the Director's choice among ${p.options.map((o) => o.id).join(", ")} (recommended: ${p.recommended})`, {
        hint: `ateams approve ${project.id} [option]`,
      }),
    );
  }
  for (const s of streams) {
    if (s.stage === "awaiting-review") add(entry("awaiting-review", `stream ${s.id} is verified and waits for a person to accept it`, { stream: s.id, hint: `ateams approve ${project.id} --stream ${s.id}` }));
    const c = blockedCondition(project.status?.streams?.[s.id]?.conditions);
    if (c) add(entry("blocked", `${s.id}: ${c.message ?? c.reason}`, { stream: s.id, hint: `ateams unblock ${project.id} --stream ${s.id}` }));
  }
  const streamBlocked = new Set(streams.filter((s) => isBlocked(project.status?.streams?.[s.id]?.conditions)).map((s) => s.id));
  // Tasks of a blocked stream are covered by the stream's own entry.
  for (const b of plan.blocked) {
    if (streamBlocked.has(b.stream)) continue;
    const failed = project.status?.tasks?.[b.task]?.failedFingerprint !== undefined && !b.reason.startsWith("waits on");
    add(entry("blocked", `${b.stream}/${b.task}: ${b.reason}`, { stream: b.stream, task: b.task, hint: failed ? `ateams retry ${project.id} ${b.task}` : null }));
  }
  return out;
}

/** The command that lifts a project's block: an answer to the PM's question, or the Director's unblock. */
function blockedHint(project: string, c: Condition): string | null {
  if (c.reason === "DirectorInput") return `ateams answer ${project} ${/^([a-z0-9-]+): /.exec(c.message ?? "")?.[1] ?? "[task]"} <answer>`;
  if (c.reason === "BlockedByDirector" || c.reason === "Cancelled") return `ateams unblock ${project}`;
  return null;
}

const PENDING: ConditionView = { type: "Pending", status: "Unknown", reason: "NotStarted", message: null, since: null };

/** The condition that says the most: a failure or block outranks progress, which outranks readiness. */
const RANK: Record<Condition["type"], number> = { Stalled: 0, Failed: 1, Blocked: 2, AwaitingApproval: 3, Progressing: 4, Ready: 5 };

export function primary(conditions: readonly ConditionView[]): ConditionView | undefined {
  const active = conditions.filter((c) => c.type === "Ready" || c.status === "True");
  return [...active].sort((a, b) => RANK[a.type as Condition["type"]] - RANK[b.type as Condition["type"]])[0];
}

function conditionView(c: Condition): ConditionView {
  return { type: c.type, status: c.status, reason: c.reason, message: c.message ?? null, since: c.lastTransitionTime ?? null };
}

function acceptanceView(a: Acceptance | undefined, current: string | undefined): AcceptanceView | null {
  if (!a) return null;
  return { fingerprint: a.fingerprint, by: a.by ?? null, at: a.at, commit: a.commit ?? null, current: a.fingerprint === current };
}

