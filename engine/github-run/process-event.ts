// One event, start to finish: drop what is not the agency's business, find where it was written, let intake
// authorize the author (and put 👀 on their commands), read each command into an effect, apply the effects in order
// to the project's status, plan and role memory, commit everything the event changed in one commit on the working
// branch, then acknowledge (🚀, or 😕 with the reason, and a reply where there is something to say).
//
// A comment whose changes are already committed (its URL is in an `Ateams-Source` trailer on the working branch) is
// skipped before anything is sent to GitHub: polling and re-run workflows deliver the same comment again. The
// acknowledgement follows the commit, so should posting it fail, the change stands and the comment keeps its 👀.
// A comment that changed nothing (/help, a refusal) is handled again; its reactions exist and its reply is edited
// in place, so that costs no new reaction or comment.
import type { AgentDeps } from "../agents/call.ts";
import { dispatch } from "../commands/dispatch.ts";
import type { CommandContext, CommandEffect } from "../commands/effect.ts";
import { mergeFeedback } from "../commands/feedback.ts";
import type { ParsedCommand } from "../commands/parse.ts";
import { helpText, type CommandRegistry } from "../commands/registry.ts";
import type { CommandOutcome } from "../commands/reactions.ts";
import { reviewCommentFeedback } from "../commands/revise.ts";
import { singleLine } from "../forge/trailers.ts";
import { applyAcknowledgement, concernsAgency, intakeEvent, upsertStickyComment, type Actor, type AgencyEvent } from "../github/index.ts";
import { applyEffect, type EffectEnv, type EffectState } from "../intake/apply-effect.ts";
import { trailers } from "../run/context.ts";
import { combinedAcknowledgement } from "./acknowledgement.ts";
import { applyDeferred } from "./apply-deferred.ts";
import { commentPlace, type CommentPlace } from "./comment-context.ts";
import type { GitHubRunContext } from "./context.ts";
import type { IntakeState } from "./intake-state.ts";
import { sanitizeEffect } from "./sanitize-effect.ts";
import { statusReply } from "./status-reply.ts";

export interface EventRun {
  run: GitHubRunContext;
  state: IntakeState;
  registry: CommandRegistry;
  agents?: AgentDeps;
  /** Whether this person may direct the agency, and why (or why not), for the log. */
  authorize(actor: Actor): Promise<{ allowed: boolean; reason: string }>;
}

export interface EventReport {
  /** Dropped: not the agency's business, not from someone who may direct it, or already applied. */
  ignored: boolean;
  commands: number;
  applied: number;
  rejected: number;
  commits: number;
}

/** Successful commands whose answer is worth a reply; the rest are acknowledged with 🚀 alone. */
const ANSWERS: ReadonlySet<CommandEffect["type"]> = new Set(["status", "help", "ask"]);

const IGNORED: EventReport = { ignored: true, commands: 0, applied: 0, rejected: 0, commits: 0 };
const NOTHING: EventReport = { ignored: false, commands: 0, applied: 0, rejected: 0, commits: 0 };

export async function processEvent(er: EventRun, event: AgencyEvent): Promise<EventReport> {
  const { run, state, registry } = er;
  if (!concernsAgency(event, registry.names)) return IGNORED;
  const place = await commentPlace(run.forge, event, state.model(), run.ws.repoPath(state.model().dir));
  if (place.kind === "none") return NOTHING;
  if (place.kind === "foreign") return IGNORED;
  if (place.kind === "context" && run.projects && !run.projects.has(place.ctx.project) && state.model().projects.has(place.ctx.project)) {
    run.progress.emit({ kind: "info", project: place.ctx.project, text: "event left to this project's own reconcile job" });
    return IGNORED;
  }
  const url = "url" in event ? event.url : "";
  if (url && (await appliedIn(er, url))) {
    run.progress.emit({ kind: "info", project: place.kind === "context" ? place.ctx.project : "-", text: `${url} was already applied` });
    return IGNORED;
  }

  let why = "";
  const intake = await intakeEvent(run.forge, event, {
    commands: registry.names,
    mayDirect: async (actor) => {
      const a = await er.authorize(actor);
      why = a.reason;
      return a.allowed;
    },
  });
  if (intake.action === "none") {
    if (intake.reason === "not-permitted") run.progress.emit({ kind: "info", project: place.kind === "context" ? place.ctx.project : "-", text: `comment ignored: ${why}` });
    return IGNORED;
  }

  const effects = effectsOf(er, event, intake.commands, place);
  if (!effects.length) return NOTHING;

  const outcomes: CommandOutcome[] = [];
  let commits = 0;
  if (place.kind === "context") {
    const applied = await applyAll(er, place.ctx, effects);
    outcomes.push(...applied.outcomes);
    commits += applied.commits;
  } else {
    for (const { command, effect } of effects) {
      outcomes.push(effect.type === "help" ? { kind: "done", reply: helpReply(registry) } : { kind: "rejected", command, reason: place.reason });
    }
  }

  const ack = combinedAcknowledgement(outcomes);
  if (intake.comment) await applyAcknowledgement(run.forge, intake.comment, ack);
  else if (event.kind === "pull_request_review" && ack.reply !== undefined) {
    // Reviews take no reactions; a reply in the PR conversation, keyed by the review, says what happened.
    await upsertStickyComment(run.forge, event.pullNumber, { kind: "reply", key: `review-${event.reviewId}` }, `@${event.author.login} ${ack.reply}`);
  }
  const rejected = outcomes.filter((o) => o.kind === "rejected" || o.kind === "failed").length;
  return { ignored: false, commands: outcomes.length, applied: outcomes.length - rejected, rejected, commits };
}

function helpReply(registry: CommandRegistry): string {
  return `these are the commands.\n\n${helpText(registry)}`;
}

async function appliedIn(er: EventRun, url: string): Promise<boolean> {
  const ws = er.run.ws;
  return (await ws.store.log({ ref: ws.workingBranch, trailers: { "Ateams-Source": url }, maxCount: 1 })).length > 0;
}

interface Named {
  command: string;
  effect: CommandEffect;
}

/** Each command's effect, in order; a review comment without commands on a task's output file is feedback. */
function effectsOf(er: EventRun, event: AgencyEvent, commands: readonly ParsedCommand[], place: Exclude<CommentPlace, { kind: "none" | "foreign" }>): Named[] {
  if (place.kind === "unresolved") return commands.map((c) => ({ command: c.name, effect: c.name === "/help" ? { type: "help" } : { type: "reject", reason: place.reason } }));
  const model = er.state.model();
  const named = commands.map((c) => ({ command: c.name, effect: dispatch(c, place.ctx, model, er.registry) }));
  if (!commands.length && event.kind === "pull_request_review_comment") {
    const fb = reviewCommentFeedback(event.body, place.ctx, model.projects.get(place.ctx.project)?.plan);
    if (fb) named.push({ command: "review comment", effect: fb });
  }
  // Two /revise for one task in one comment become one piece of feedback (one source, both texts).
  const names = new Map(named.map((n) => [n.effect, n.command]));
  return mergeFeedback(named.map((n) => n.effect)).map((effect) => ({ command: names.get(effect) ?? "/revise", effect: sanitizeEffect(effect) }));
}

async function applyAll(er: EventRun, ctx: CommandContext, effects: readonly Named[]): Promise<{ outcomes: CommandOutcome[]; commits: number }> {
  const { run, state, registry } = er;
  const project = ctx.project;
  const known = state.model().projects.has(project);
  let es: EffectState = {
    status: known ? state.status(project) : { project },
    ...(known && state.planText(project) !== undefined ? { planText: state.planText(project)! } : {}),
    memory: new Map(),
  };
  for (const { effect } of effects) {
    if (effect.type === "teach") {
      const path = state.memoryPath(effect.role);
      es.memory.set(path, state.memoryText(path));
    }
  }
  const env: EffectEnv = {
    at: ctx.at,
    by: ctx.author,
    memoryPath: (role) => state.memoryPath(role),
    // Replies start with "@author "; the answer itself starts on a line of its own so its Markdown renders.
    statusReply: (p) => `here is where ${p} stands.\n\n${statusReply(state.model(), p, run.templates)}`,
    helpReply: () => helpReply(registry),
  };
  const streamTasks = (stream: string) => (state.model().projects.get(project)?.plan?.streams ?? []).find((s) => s.id === stream)?.tasks.map((t) => t.id) ?? [];

  const outcomes: CommandOutcome[] = [];
  let commits = 0;
  for (const { command, effect } of effects) {
    const r = applyEffect(es, effect, env, streamTasks);
    const d = r.deferred ? await applyDeferred(effect, es, { run, state, where: ctx, ...(er.agents ? { agents: er.agents } : {}) }) : { ...r, failed: undefined, commits: 0 };
    es = d.state;
    commits += d.commits ?? 0;
    const outcome: CommandOutcome = d.refused
      ? { kind: "rejected", command, reason: d.refused }
      : d.failed
        ? { kind: "failed", command, reason: d.failed }
        : ANSWERS.has(effect.type) && d.reply
          ? { kind: "done", reply: d.reply }
          : { kind: "done" };
    outcomes.push(outcome);
    run.progress.emit({ kind: "info", project, text: `${command} by @${ctx.author}: ${outcome.kind}${"reason" in outcome ? ` (${outcome.reason})` : ""}` });
  }

  if (known) {
    const done = effects.filter((_, i) => outcomes[i]!.kind === "done").map((e) => e.command);
    const subject = `ateams: ${project} ${[...new Set(done)].join(", ") || "commands"} from @${ctx.author}`;
    const body = effects.map(({ command, effect }) => `- ${singleLine(`${command} ${describe(effect)}`).slice(0, 200)}`).join("\n");
    const sha = await state.commit(
      { statuses: new Map([[project, es.status]]), ...(es.planText !== undefined ? { plans: new Map([[project, es.planText]]) } : {}), memory: es.memory },
      `${subject}\n\n${body}`,
      { ...trailers({ project, kind: "command" }), "Ateams-Source": ctx.url },
    );
    if (sha) commits++;
  }
  return { outcomes, commits };
}

/** A line for the commit body: what the effect was about. */
function describe(e: CommandEffect): string {
  switch (e.type) {
    case "feedback":
      return `on ${e.task}: ${e.text}`;
    case "approve-plan":
      return e.option ?? "(recommended)";
    case "accept-stream":
      return e.stream;
    case "teach":
      return `@${e.role}: ${e.lesson}`;
    case "ask":
      return `@${e.role}`;
    case "custom":
      return `@${e.role} ${e.args}`;
    case "reject":
      return `(refused: ${e.reason})`;
    default:
      return "";
  }
}
