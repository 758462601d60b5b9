// Feedback from people: `/revise <feedback>`, and plain review comments on a task's output file. Recorded
// feedback changes the fingerprint of the task it is about, so that task (and what depends on it) runs again.
import type { Plan } from "../agency/types.gen.ts";
import type { CommandContext, CommandEffect, FeedbackEffect } from "./effect.ts";
import { sanitizeCommentText } from "./sanitize.ts";
import { leadingWord, located, taskById, taskForFile, type TaskRef } from "./task-target.ts";

/**
 * Feedback is recorded in status.yaml and sent to a model with every later run of its task; a page of text is
 * already more than a reviewer's note. `/revise` above this is refused with the limit in the reply; a plain review
 * comment (which gets no reply of its own) is cut there with a marker saying so.
 */
export const MAX_FEEDBACK_CHARS = 4000;

const tooLong = (n: number) =>
  `the feedback is ${n.toLocaleString("en-US")} characters; /revise takes at most ${MAX_FEEDBACK_CHARS.toLocaleString("en-US")}. Shorten it, or split it over several comments.`;

function capped(text: string): string {
  if (text.length <= MAX_FEEDBACK_CHARS) return text;
  return `${text.slice(0, MAX_FEEDBACK_CHARS)}\n\n[… cut: ${(text.length - MAX_FEEDBACK_CHARS).toLocaleString("en-US")} more characters over the ${MAX_FEEDBACK_CHARS.toLocaleString("en-US")}-character limit]`;
}

/** A stream PR's review comments are about that stream's outputs only; the assembly PR's about any stream's. */
function ofThisStream(ref: TaskRef, ctx: CommandContext): boolean {
  return ctx.kind !== "stream-pr" || ref.stream.id === ctx.stream;
}

/**
 * Which work `/revise <text>` sends back, by where it was written:
 * - plan PR: the plan (`revise-plan`), with the commented file and line when there is one;
 * - a review comment on a file of a stream or assembly PR: the task that declares that output, found by the file's
 *   full path under the agency directory; on a stream PR only that stream's outputs count (another stream's file
 *   is refused, saying whose it is); a file that is no task's output is refused on a stream PR and is the
 *   assembly's on the assembly PR (its deliverable);
 * - stream PR, no file: the task named by the first word (`draft …`, `[draft] …`, `draft: …`) if it is a task of
 *   that stream; otherwise the stream's last task, which integrates the others and is what reviewers read. The text
 *   is kept whole even when its first word named the task, so "draft is too long" still reads right;
 * - assembly PR, no file: the task named by the first word (any stream), otherwise the assembly;
 * - the project issue: the task named by the first word, otherwise refused, since nothing there points at work.
 */
export function reviseEffect(text: string, ctx: CommandContext, plan: Plan | undefined): CommandEffect {
  if (!text) return { type: "reject", reason: "/revise needs feedback: `/revise <what to change>`." };
  if (text.length > MAX_FEEDBACK_CHARS) return { type: "reject", reason: tooLong(text.length) };
  const meta = { by: ctx.author, at: ctx.at, source: ctx.url };
  if (ctx.kind === "plan-pr") {
    return { type: "revise-plan", project: ctx.project, text: ctx.file ? located(text, ctx.file, ctx.line) : text, ...meta };
  }
  if (ctx.file) {
    const ref = taskForFile(plan, ctx.project, ctx.file, ctx.agencyPath);
    if (ref && !ofThisStream(ref, ctx)) {
      return { type: "reject", reason: `\`${ctx.file}\` is an output of stream ${ref.stream.id}, not of this pull request's stream ${ctx.stream ?? ""}: comment on it in that stream's pull request.` };
    }
    if (ref) return { type: "feedback", project: ctx.project, task: ref.task.id, text: located(text, ref.path, ctx.line), ...meta };
    if (ctx.kind === "assembly-pr") return { type: "revise-assembly", project: ctx.project, text: located(text, ctx.file, ctx.line), ...meta };
    return { type: "reject", reason: `\`${ctx.file}\` is not the output of any task in project ${ctx.project}.` };
  }
  const word = leadingWord(text);
  if (ctx.kind === "stream-pr") {
    const stream = plan?.streams?.find((s) => s.id === ctx.stream);
    if (!stream) return { type: "reject", reason: `Project ${ctx.project} has no stream '${ctx.stream ?? ""}' in its plan.` };
    const task = (word && stream.tasks.find((t) => t.id === word)) || stream.tasks[stream.tasks.length - 1]!;
    return { type: "feedback", project: ctx.project, task: task.id, text, ...meta };
  }
  const named = word ? taskById(plan, word) : undefined;
  if (named) return { type: "feedback", project: ctx.project, task: named.task.id, text, ...meta };
  if (ctx.kind === "assembly-pr") return { type: "revise-assembly", project: ctx.project, text, ...meta };
  const ids = (plan?.streams ?? []).flatMap((s) => s.tasks.map((t) => t.id));
  return {
    type: "reject",
    reason: `Say which task the feedback is for: \`/revise <task> <feedback>\`${ids.length ? `; tasks: ${ids.join(", ")}` : ""}.`,
  };
}

/**
 * A review comment with no command in it, on a line of a task's output file, is feedback to that task. Anything
 * else (a comment on another file, or one that is empty once hidden text is removed) is no feedback: undefined.
 * Call it only when parseCommands found no command in the comment, which then goes through dispatch instead.
 */
export function reviewCommentFeedback(body: string, ctx: CommandContext, plan: Plan | undefined): FeedbackEffect | undefined {
  const text = capped(sanitizeCommentText(body).trim());
  if (!text || !ctx.file || (ctx.kind !== "stream-pr" && ctx.kind !== "assembly-pr")) return undefined;
  const ref = taskForFile(plan, ctx.project, ctx.file, ctx.agencyPath);
  if (!ref || !ofThisStream(ref, ctx)) return undefined;
  return { type: "feedback", project: ctx.project, task: ref.task.id, text: located(text, ref.path, ctx.line), by: ctx.author, at: ctx.at, source: ctx.url };
}
