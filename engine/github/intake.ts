// The first thing a run does with an event: drop what is not the agency's business (no API call at all), and for
// what a person wrote, check they may direct the agency; their /commands in a comment get 👀 at once. Everything a
// person writes becomes model input, so people who may not direct the agency are ignored entirely, commands or not.
// What the commands mean, and the rest of the reconcile, happen elsewhere (engine/commands, engine/run); the
// commands are found by the reader handed in.
import type { CommandReader } from "./command-reader.ts";
import { applyAcknowledgement, type CommandComment } from "./acknowledge.ts";
import { concernsAgency } from "./concerns-agency.ts";
import type { Actor, AgencyEvent } from "./event-types.ts";
import { assertNever } from "../spec/assert-never.ts";
import type { GitHubForge } from "./types.ts";

export interface IntakeOptions<C> {
  /** Whether this person may direct the agency; wire engine/commands' authorize with cachedPermissionLookup. */
  mayDirect: (actor: Actor) => Promise<boolean>;
  /** Finds commands in what people write (engine/commands' commandReader over every name the agency knows). */
  commands: CommandReader<C>;
}

export type Intake<C> =
  | { action: "none"; reason: "not-agency" | "not-permitted" }
  | { action: "reconcile"; event: AgencyEvent; commands: readonly C[]; comment: CommandComment | null };

function commentOf(event: AgencyEvent): CommandComment | null {
  if (event.kind === "issue_comment") return { kind: "issue-comment", id: event.commentId, issueNumber: event.issueNumber, author: event.author.login };
  if (event.kind === "pull_request_review_comment") return { kind: "review-comment", id: event.commentId, issueNumber: event.pullNumber, author: event.author.login };
  return null;
}

/** Who wrote what, for the events a person writes; undefined for the rest (pushes, closes, dispatches, schedules). */
function writing(event: AgencyEvent): { author: Actor; body: string } | undefined {
  switch (event.kind) {
    case "issue_comment":
    case "pull_request_review":
    case "pull_request_review_comment":
      return { author: event.author, body: event.body };
    case "push":
    case "pull_request_closed":
    case "workflow_dispatch":
    case "schedule":
    case "ignored":
      return undefined;
    default:
      return assertNever(event);
  }
}

export async function intakeEvent<C>(forge: GitHubForge, event: AgencyEvent, options: IntakeOptions<C>): Promise<Intake<C>> {
  const reader = options.commands;
  if (!concernsAgency(event, reader)) return { action: "none", reason: "not-agency" };
  const written = writing(event);
  if (!written) return { action: "reconcile", event, commands: [], comment: null };
  if (!(await options.mayDirect(written.author))) return { action: "none", reason: "not-permitted" };
  const comment = commentOf(event);
  const commands = reader.parse(written.body);
  if (comment && commands.length) await applyAcknowledgement(forge, comment, reader.received);
  return { action: "reconcile", event, commands, comment };
}
