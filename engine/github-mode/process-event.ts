// One event, start to finish: drop what is not the agency's business, find where it was written, let intake
// authorize the author (and put 👀 on their commands), then hand the commands to the one command pipeline
// (intake/apply-commands.ts, which `ateams <command>` in a terminal uses too): each read into an effect, applied in
// order to the project's status, plan and role memory, and everything the event changed committed at once on the
// working branch. Then acknowledge (🚀, or 😕 with the reason, and a reply where there is something to say).
//
// A comment whose changes are already committed (its URL is in an `Ateams-Source` trailer on the working branch) is
// skipped before anything is sent to GitHub: polling and re-run workflows deliver the same comment again. The
// acknowledgement follows the commit, so should posting it fail, the change stands and the comment keeps its 👀.
// A comment that changed nothing (/help, a refusal) is handled again; its reactions exist and its reply is edited
// in place, so that costs no new reaction or comment.
import type { AgentDeps } from "../agents/call.ts";
import type { CommandContext } from "../commands/effect.ts";
import type { ParsedCommand } from "../commands/parse.ts";
import type { CommandRegistry } from "../commands/registry.ts";
import type { CommandOutcome } from "../commands/reactions.ts";
import { reviewCommentFeedback } from "../commands/revise.ts";
import { applyAcknowledgement, upsertStickyComment, type Actor, type AgencyEvent } from "../github/index.ts";
import { concernsAgency } from "./concerns-agency.ts";
import { intakeEvent } from "./event-intake.ts";
import { applyCommands, effectsOf, helpReply, type NamedEffect } from "../intake/apply-commands.ts";
import { combinedAcknowledgement } from "./acknowledgement.ts";
import { commentPlace, type CommentPlace } from "./comment-context.ts";
import type { GitHubRunContext } from "./github-run-context.ts";
import type { IntakeState } from "../intake/intake-state.ts";
import { formatTrailers } from "../agency/commit-trailers.ts";

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

  const effects = effectsFor(er, event, intake.commands, place);
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

async function appliedIn(er: EventRun, url: string): Promise<boolean> {
  const ws = er.run.ws;
  return (await ws.store.log({ ref: ws.workingBranch, trailers: formatTrailers({ source: url }), maxCount: 1 })).length > 0;
}

/** Each command's effect, in order; a review comment without commands on a task's output file is feedback. */
function effectsFor(er: EventRun, event: AgencyEvent, commands: readonly ParsedCommand[], place: Exclude<CommentPlace, { kind: "none" | "foreign" }>): NamedEffect[] {
  if (place.kind === "unresolved") return commands.map((c) => ({ command: c.name, effect: c.name === "/help" ? { type: "help" } : { type: "reject", reason: place.reason } }));
  const extra =
    !commands.length && event.kind === "pull_request_review_comment"
      ? reviewCommentFeedback(event.body, place.ctx, er.state.model().projects.get(place.ctx.project)?.plan)
      : undefined;
  return effectsOf(er, place.ctx, commands, extra);
}

function applyAll(er: EventRun, ctx: CommandContext, effects: readonly NamedEffect[]) {
  return applyCommands({ ws: er.run.ws, templates: er.run.templates, state: er.state, registry: er.registry, progress: er.run.progress, ...(er.agents ? { agents: er.agents } : {}) }, ctx, effects);
}
