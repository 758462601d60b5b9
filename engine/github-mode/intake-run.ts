// Intake for a run on GitHub: what people wrote since the last run becomes recorded state before the reconcile
// plans. In Actions the run is told of one event; elsewhere it polls from the cursor kept in the projects'
// status.yaml and records the new cursor afterwards (one commit for all projects). Each event is handled by
// process-event.ts: one commit for everything it changed, and one acknowledgement on GitHub.
import type { AgentDeps } from "../agents/call.ts";
import { authorize } from "../commands/authorize.ts";
import { commandRegistry } from "../commands/registry.ts";
import { cachedPermissionLookup, pollSince, type AgencyEvent } from "../github/index.ts";
import type { AgencyModel } from "../agency/model.ts";
import type { GitHubRunContext } from "./github-run-context.ts";
import { IntakeState } from "../intake/intake-state.ts";
import { cursorFrom, withCursor } from "./poll-cursor.ts";
import { processEvent, type EventRun } from "./process-event.ts";
import { formatTrailers } from "../agency/commit-trailers.ts";

export interface IntakeReport {
  /** Events looked at (one in Actions; whatever polling found). */
  events: number;
  /** Commands (and review comments taken as feedback) from people who may direct the agency. */
  commands: number;
  applied: number;
  /** Events dropped: not the agency's, from someone who may not direct it, or already applied. */
  ignored: number;
  /** Commands refused or failed: each got 😕 and a reply saying why. */
  rejected: number;
  /** Commits made on the working branch (each event's, merges of accepted work, the cursor). */
  commits: number;
}

export type IntakeSource = { event: AgencyEvent } | { poll: true };

export async function runIntake(ctx: GitHubRunContext, model: AgencyModel, source: IntakeSource, deps: { agents?: AgentDeps }): Promise<IntakeReport> {
  const state = new IntakeState(ctx.ws, model);
  const lookup = cachedPermissionLookup(ctx.forge);
  const er: EventRun = {
    run: ctx,
    state,
    registry: commandRegistry(model),
    ...(deps.agents ? { agents: deps.agents } : {}),
    authorize: (actor) => authorize(actor, model.spec, lookup),
  };
  const report: IntakeReport = { events: 0, commands: 0, applied: 0, ignored: 0, rejected: 0, commits: 0 };

  // A run for some projects reads and records only their cursors: what it leaves to other projects' jobs must stay
  // news for them.
  const projects = [...model.projects.keys()].filter((p) => !ctx.projects || ctx.projects.has(p));
  const polled = "poll" in source ? await pollSince(ctx.forge, cursorFrom(projects.map((p) => state.status(p)), ctx.now())) : undefined;
  const events = polled ? polled.events : "event" in source ? [source.event] : [];

  for (const event of events) {
    const r = await processEvent(er, event);
    report.events++;
    if (r.ignored) report.ignored++;
    report.commands += r.commands;
    report.applied += r.applied;
    report.rejected += r.rejected;
    report.commits += r.commits;
  }

  if (polled && projects.length) {
    const statuses = new Map(projects.map((p) => [p, withCursor(state.status(p), polled.cursor)]));
    const sha = await state.commit({ statuses }, `ateams: events read up to ${polled.cursor.issueComments}`, formatTrailers({ kind: "poll" }));
    if (sha) report.commits++;
  }
  if (report.events) {
    ctx.progress.emit({ kind: "info", project: "-", text: `intake: ${report.events} event(s), ${report.commands} command(s): ${report.applied} applied, ${report.rejected} refused, ${report.ignored} ignored` });
  }
  return report;
}
