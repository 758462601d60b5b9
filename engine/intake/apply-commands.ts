// The one path a person's commands take, wherever they were written: parsed commands → effects (dispatch) →
// applied in order to the project's status, plan and role lessons (apply-effect.ts, then apply-deferred.ts for
// what needs git or a model) → one commit on the working branch. A PR comment (github-mode/process-event.ts) and a
// command typed in a terminal (cli/commands/director.ts) differ only in how they are read and acknowledged.
import type { AgentDeps } from "../agents/call.ts";
import { assertNever } from "../agency/assert-never.ts";
import { dispatch } from "../commands/dispatch.ts";
import type { CommandContext, CommandEffect, FeedbackEffect } from "../commands/effect.ts";
import { mergeFeedback } from "../commands/feedback.ts";
import type { ParsedCommand } from "../commands/parse.ts";
import type { CommandOutcome } from "../commands/reactions.ts";
import { helpText, type CommandRegistry } from "../commands/registry.ts";
import { singleLine } from "../forge/trailers.ts";
import type { Templates } from "../prompts/templates.ts";
import { trailers } from "../run/run-context.ts";
import type { Progress } from "../run/progress.ts";
import type { Workspace } from "../run/workspace.ts";
import { applyDeferred } from "./apply-deferred.ts";
import { applyEffect, type EffectEnv, type EffectState } from "./apply-effect.ts";
import type { IntakeState } from "./intake-state.ts";
import { sanitizeEffect } from "./sanitize-effect.ts";
import { statusReply } from "./status-reply.ts";

export interface CommandEnv {
  ws: Workspace;
  templates: Templates;
  state: IntakeState;
  registry: CommandRegistry;
  progress: Progress;
  /** For /ask: without it the question is answered with a failure saying no model is configured. */
  agents?: AgentDeps;
}

export interface NamedEffect {
  /** The command as written (`/approve`), or `review comment`. */
  command: string;
  effect: CommandEffect;
}

export interface CommandsApplied {
  outcomes: CommandOutcome[];
  /** Commits made on the working branch: merges of accepted work, then the one for what the commands changed. */
  commits: number;
  /** The commit recording what the commands changed, if they changed anything. */
  sha: string | undefined;
}

/** Successful commands whose answer is worth a reply; the rest are acknowledged with 🚀 alone. */
const ANSWERS: ReadonlySet<CommandEffect["type"]> = new Set(["status", "help", "ask"]);

export function helpReply(registry: CommandRegistry): string {
  return `these are the commands.\n\n${helpText(registry)}`;
}

/**
 * Each command's effect, in order, read in its context; `extra` is feedback that came without a command (a review
 * comment on an output file). Two /revise for one task in one comment become one piece of feedback (one source,
 * both texts), and every text is cleaned of what a reader cannot see.
 */
export function effectsOf(env: Pick<CommandEnv, "state" | "registry">, ctx: CommandContext, commands: readonly ParsedCommand[], extra?: FeedbackEffect): NamedEffect[] {
  const model = env.state.model();
  const named = commands.map((c) => ({ command: c.name, effect: dispatch(c, ctx, model, env.registry) }));
  if (extra) named.push({ command: "review comment", effect: extra });
  const names = new Map<CommandEffect, string>(named.map((n) => [n.effect, n.command]));
  return mergeFeedback(named.map((n) => n.effect)).map((effect) => ({ command: names.get(effect) ?? "/revise", effect: sanitizeEffect(effect) }));
}

export async function applyCommands(env: CommandEnv, ctx: CommandContext, effects: readonly NamedEffect[]): Promise<CommandsApplied> {
  const { state, registry } = env;
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
  const effectEnv: EffectEnv = {
    at: ctx.at,
    by: ctx.author,
    memoryPath: (role) => state.memoryPath(role),
    memorySchemaRef: (path) => state.memorySchemaRef(path),
    // Replies start with "@author "; the answer itself starts on a line of its own so its Markdown renders.
    statusReply: (p) => `here is where ${p} stands.\n\n${statusReply(state.model(), p, env.templates)}`,
    helpReply: () => helpReply(registry),
  };
  const streamTasks = (stream: string) => (state.model().projects.get(project)?.plan?.streams ?? []).find((s) => s.id === stream)?.tasks.map((t) => t.id) ?? [];

  const outcomes: CommandOutcome[] = [];
  let commits = 0;
  for (const { command, effect } of effects) {
    const r = applyEffect(es, effect, effectEnv, streamTasks);
    const d = r.deferred ? await applyDeferred(effect, es, { run: env, state, where: ctx, ...(env.agents ? { agents: env.agents } : {}) }) : { ...r, failed: undefined, commits: 0 };
    es = d.state;
    commits += d.commits ?? 0;
    const outcome: CommandOutcome = d.refused
      ? { kind: "rejected", command, reason: d.refused }
      : d.failed
        ? { kind: "failed", command, reason: d.failed }
        : ANSWERS.has(effect.type) && d.reply
          ? { kind: "done", reply: d.reply }
          : { kind: "done", ...(d.reply ? { note: d.reply } : {}) };
    outcomes.push(outcome);
    env.progress.emit({ kind: "info", project, text: `${command} by @${ctx.author}: ${outcome.kind}${"reason" in outcome ? ` (${outcome.reason})` : ""}` });
  }

  let sha: string | undefined;
  if (known) {
    const done = effects.filter((_, i) => outcomes[i]!.kind === "done").map((e) => e.command);
    const subject = `ateams: ${project} ${[...new Set(done)].join(", ") || "commands"} from @${ctx.author}`;
    const body = effects.map(({ command, effect }) => `- ${singleLine(`${command} ${describe(effect)}`).slice(0, 200)}`).join("\n");
    sha = await state.commit(
      { statuses: new Map([[project, es.status]]), ...(es.planText !== undefined ? { plans: new Map([[project, es.planText]]) } : {}), memory: es.memory },
      `${subject}\n\n${body}`,
      trailers({ project, kind: "command", source: ctx.url }),
    );
    if (sha) commits++;
  }
  return { outcomes, commits, sha };
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
    case "answer":
      return `${e.task ? `on ${e.task}: ` : ""}${e.text}`;
    case "retry":
    case "escalate":
      return e.task ?? e.stream ?? "";
    case "block":
      return `${e.stream ? `${e.stream}: ` : ""}${e.reason}`;
    case "unblock":
      return e.stream ?? "";
    case "revise-plan":
    case "revise-assembly":
      return e.text;
    case "accept-assembly":
    case "cancel":
    case "status":
    case "help":
      return "";
    default:
      return assertNever(e);
  }
}
