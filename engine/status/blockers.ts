// The blocked path as pure rewriters of status.yaml: a Collaborator's `blocked` verdict is recorded once per
// blocker (its text and the task's inputs), the PM is consulted for each new one, and the Director's answer to the
// PM's question resumes the task. Counting blockers, not reruns: a task rerun after a role edit and blocked again
// for a new reason goes to the PM again, while the same blocker on the same inputs goes to the Director.
import { createHash } from "node:crypto";
import type { BlockerRecord, Condition, Feedback, Status, TaskStatus } from "../agency/types.gen.ts";
import { upsertFeedback } from "./director-feedback.ts";
import { clearProjectCondition, setProjectCondition } from "./record.ts";
import { fails } from "./conditions.ts";

/** How many times the PM may resolve one task's blockers by itself before the Director is asked. */
export const MAX_PM_RESOLUTIONS = 3;

/** The condition reason a question to the Director is recorded with, on the project. */
export const DIRECTOR_INPUT = "DirectorInput";

export function blockerKey(blocker: string, fingerprint: string): string {
  return createHash("sha256").update(`${fingerprint}\n${blocker.trim()}`).digest("hex").slice(0, 16);
}

export type BlockerDecision = { kind: "consult-pm" } | { kind: "ask-director"; why: string };

/**
 * Whether the PM sees this blocker: always for a new one, unless it has already resolved this task's blockers
 * MAX_PM_RESOLUTIONS times since the Director last answered (a loop of re-plans that never hold).
 */
export function decideBlocker(records: readonly BlockerRecord[], key: string): BlockerDecision {
  const same = records.find((r) => r.key === key);
  if (same) return { kind: "ask-director", why: `the same blocker on the same inputs, after the PM's ${same.resolution}` };
  let since = 0;
  for (const r of records) since = r.answer ? 0 : r.resolution === "ask-director" ? since : since + 1;
  if (since >= MAX_PM_RESOLUTIONS) return { kind: "ask-director", why: `still blocked after ${since} re-plans by the PM` };
  return { kind: "consult-pm" };
}

export function recordBlocker(status: Status, taskId: string, record: BlockerRecord): Status {
  const prior: TaskStatus = status.tasks?.[taskId] ?? {};
  const blockers = [...(prior.blockers ?? []).filter((r) => r.key !== record.key), record];
  return { ...status, tasks: { ...status.tasks, [taskId]: { ...prior, blockers } } };
}

/** Records a question for the Director and blocks the project on it (stage `blocked`, with the question). */
export function askDirector(status: Status, taskId: string, record: BlockerRecord & { question: string }, at: string): Status {
  const c: Condition = { type: "Blocked", status: "True", reason: DIRECTOR_INPUT, message: `${taskId}: ${record.question}` };
  return setProjectCondition(recordBlocker(status, taskId, record), c, at);
}

/**
 * Tasks with a question to the Director still open, in status order: unanswered, and the task still failed on it.
 * With `fingerprintOf` (the task's inputs now), a question whose task has changed since it asked is not open: the
 * Director edited the task instead of answering, and the task runs with the edit.
 */
export function openQuestions(status: Status, fingerprintOf?: (task: string) => string | undefined): { task: string; question: string }[] {
  return Object.entries(status.tasks ?? {}).flatMap(([task, t]) => {
    const last = t.blockers?.at(-1);
    if (last?.resolution !== "ask-director" || last.answer || !last.question || !t.failedFingerprint) return [];
    if (fingerprintOf && fingerprintOf(task) !== t.failedFingerprint) return [];
    return [{ task, question: last.question }];
  });
}

/**
 * Whether the project's DirectorInput block no longer holds: every question the engine asked (and that was not
 * answered) is moot, its task edited or retried since. A block with no question on record (written by hand, or by
 * an older engine) holds until it is answered or unblocked.
 */
export function directorInputMoot(status: Status, fingerprintOf: (task: string) => string | undefined): boolean {
  const asked = Object.values(status.tasks ?? {}).some((t) => {
    const last = t.blockers?.at(-1);
    return last?.resolution === "ask-director" && !last.answer;
  });
  return asked && openQuestions(status, fingerprintOf).length === 0;
}

/** A task done: a question it asked is moot, and the project is unblocked once no question is left open. */
export function closeQuestions(status: Status): Status {
  const asked = status.conditions?.some((c) => c.type === "Blocked" && c.reason === DIRECTOR_INPUT);
  return asked && !openQuestions(status).length ? clearProjectCondition(status, "Blocked", DIRECTOR_INPUT) : status;
}

/**
 * The Director's answer: kept on the question, given to the task as feedback (which changes its fingerprint, so
 * it reruns with the answer), its failure cleared, and the project unblocked once no question is left open. The
 * same answer (same source) again returns the very same status.
 */
export function answerQuestion(status: Status, taskId: string, answer: Feedback): Status {
  const prior = status.tasks?.[taskId];
  const last = prior?.blockers?.at(-1);
  if (!prior || !last || last.resolution !== "ask-director") return status;
  if (last.answer && last.answer.source === answer.source && last.answer.text === answer.text) return status;
  const entry: Feedback = { ...answer, text: `Answer to the question "${last.question ?? last.blocker}": ${answer.text}` };
  const blockers = [...prior.blockers!.slice(0, -1), { ...last, answer }];
  const { failedFingerprint: _f, ...rest } = prior;
  const conditions = (prior.conditions ?? []).filter((c) => c.type !== "Failed" && !fails(c, "Ready"));
  const task: TaskStatus = { ...rest, blockers, feedback: [...upsertFeedback(prior.feedback ?? [], entry)], ...(conditions.length ? { conditions } : {}) };
  if (!conditions.length) delete task.conditions;
  const next: Status = { ...status, tasks: { ...status.tasks, [taskId]: task } };
  return openQuestions(next).length ? next : clearProjectCondition(next, "Blocked", DIRECTOR_INPUT);
}
