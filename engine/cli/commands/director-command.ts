// `ateams approve|retry|escalate|block|unblock|answer|revise|teach|ask|cancel`: the Director's commands from a
// terminal. Each becomes the text of its PR-comment twin (director-verbs.ts) and then takes the comment's own path:
// parseCommands → authorize (the local user is the Director, local-director.ts) → dispatch → applyCommands, which
// records what changed in one commit on the current branch. Only the reading and the acknowledgement differ: here
// the outcome is printed (or given as JSON) and the exit status says whether it was done.
import { createMemoryRanker } from "../../vector-index/create-ranker.ts";
import { join, resolve } from "node:path";
import type { AgentDeps } from "../../agents/call.ts";
import { authorize } from "../../commands/authorize.ts";
import type { CommandContext } from "../../commands/effect.ts";
import { parseCommands } from "../../commands/parse.ts";
import type { CommandOutcome } from "../../commands/reactions.ts";
import { commandRegistry } from "../../commands/registry.ts";
import { GitStoreError } from "../../forge/index.ts";
import { applyCommands, effectsOf } from "../../intake/apply-commands.ts";
import { IntakeState } from "../../intake/intake-state.ts";
import { loadTemplates } from "../../prompts/templates.ts";
import { Budget } from "../../llm/budget.ts";
import { createModelRegistry } from "../../llm/providers.ts";
import { ensureSelfIgnoringDir } from "../../run/run-agency.ts";
import { openWorkspace, WorkspaceError, type Workspace } from "../../run/workspace.ts";
import { COMMON_OPTIONS, parse, type Options } from "../args.ts";
import { EXIT, UsageError, type CliIO } from "../io.ts";
import { localDirector } from "../local-director.ts";
import { loadOrReport } from "../load-or-report.ts";
import type { Verb } from "./director-verbs.ts";

export function directorHelp(verb: Verb): string {
  const flags = [
    verb.places.includes("stream") ? "  --stream <id>     as if written on that stream's pull request\n" : "",
    verb.places.includes("plan") ? "  --plan            as if written on the plan pull request\n" : "",
    verb.places.includes("assembly") ? "  --assembly        as if written on the assembly pull request\n" : "",
    verb.places.includes("project") ? "  --project <id>    the project whose issue the twin comment is on\n" : "",
  ].join("");
  return `Usage: ${verb.usage} [--by <name>] [--agency <dir>] [--json]

${verb.details}

The same command as a PR comment (/${verb.name}), through the same code: what it records in
status.yaml, plan.yaml or a role's lessons is committed at once on the current branch
(trailers Ateams-Project, Ateams-Kind: command, Ateams-Source: local:<name>/<time>).

Options:
${flags}  --by <name>       who gives the command (default: git's user.name if it is one of the
                    agency's directors, else the project's director); it must be a director
                    or listed in agency.yaml commanders
  --agency <dir>    the agency directory (default: ./agency), inside a git repository
  --json            print {command, project, by, at, effect, outcome, reply, reason, commit}
  -h, --help        show this help

Exit status: 0 done (or already done), 1 refused, failed or invalid specs, 2 usage error.
`;
}

interface Printed {
  command: string;
  project: string;
  by: string;
  at: string;
  effect: string;
  outcome: CommandOutcome["kind"];
  reply: string | null;
  reason: string | null;
  commit: string | null;
}

export async function directorCommand(verb: Verb, argv: string[], io: CliIO): Promise<number> {
  const options: Options = {
    ...COMMON_OPTIONS,
    by: { type: "string" },
    json: { type: "boolean", default: false },
    ...(verb.places.includes("stream") ? { stream: { type: "string" } } : {}),
    ...(verb.places.includes("plan") ? { plan: { type: "boolean" } } : {}),
    ...(verb.places.includes("assembly") ? { assembly: { type: "boolean" } } : {}),
    ...(verb.places.includes("project") ? { project: { type: "string" } } : {}),
  };
  const { values, positionals } = parse(argv, options, Infinity);
  const v = values as { help?: boolean; json?: boolean; by?: string; agency: string; stream?: string; plan?: boolean; assembly?: boolean; project?: string };
  if (v.help) {
    io.stdout(directorHelp(verb));
    return EXIT.ok;
  }
  const twin = verb.twin(positionals, v);
  if (v.by !== undefined && !v.by.trim()) throw new UsageError("--by needs a name");

  let ws: Workspace;
  try {
    ws = await openWorkspace(resolve(io.cwd, v.agency));
  } catch (e) {
    if (!(e instanceof WorkspaceError)) throw e;
    io.stderr(`ateams: ${e.message.replace("ateams run", `ateams ${verb.name}`)}\n`);
    return EXIT.invalid;
  }
  try {
    return await apply(verb, twin, v, ws, io);
  } catch (e) {
    // Git refusing (local edits in the way, a ref that moved) is the user's to resolve, not an internal error.
    if (!(e instanceof GitStoreError)) throw e;
    io.stderr(`ateams: ${e.message}\n`);
    return EXIT.invalid;
  } finally {
    await ws.close();
  }
}

async function apply(verb: Verb, twin: ReturnType<Verb["twin"]>, v: { by?: string; agency: string; json?: boolean }, ws: Workspace, io: CliIO): Promise<number> {
  const model = await loadOrReport(io, v.agency, { observeOutputs: ws.observeOutputs });
  if (!model) return EXIT.invalid;
  const projectId = twin.project ?? [...model.projects.keys()].sort()[0];
  const project = projectId === undefined ? undefined : model.projects.get(projectId);
  if (!project) throw new UsageError(`unknown project '${projectId ?? ""}' (have: ${[...model.projects.keys()].join(", ") || "none"})`);
  if (twin.stream !== undefined && !(project.plan?.streams ?? []).some((s) => s.id === twin.stream)) {
    const ids = (project.plan?.streams ?? []).map((s) => s.id);
    throw new UsageError(`unknown stream '${twin.stream}' in ${project.id} (${ids.length ? `streams: ${ids.join(", ")}` : "the plan has no streams yet"})`);
  }

  // Read exactly as the comment would be: a text that holds a second command is refused, not half-applied.
  const registry = commandRegistry(model);
  const commands = parseCommands(twin.text, registry.names);
  if (commands.length !== 1) throw new UsageError(`the text must be one command; a line of it starts with ${commands.slice(1).map((c) => c.name).join(", ")}`);

  const by = localDirector(model.spec, project.spec, ws.repoRoot, v.by);
  const allowed = await authorize({ login: by, type: "User" }, model.spec, async () => "none");
  if (!allowed.allowed) {
    io.stderr(`ateams: ${by} may not command this agency: directors (agency.yaml directors) and commanders may\n`);
    return EXIT.invalid;
  }
  const at = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
  const ctx: CommandContext = { kind: twin.kind, project: project.id, ...(twin.stream !== undefined ? { stream: twin.stream } : {}), author: by, at, url: `local:${by}/${at}` };

  const templates = await loadTemplates();
  const state = new IntakeState(ws, model);
  const effects = effectsOf({ state, registry }, ctx, commands);
  let agents: AgentDeps | undefined;
  if (effects.some((e) => e.effect.type === "ask")) {
    await ensureSelfIgnoringDir(join(ws.repoRoot, ".ateams"));
    agents = { models: createModelRegistry(model.spec, { env: io.env, cacheDir: join(ws.repoRoot, ".ateams", "cache") }), budget: new Budget(model.spec), memory: await createMemoryRanker(model.spec, { env: io.env, repoRoot: ws.repoRoot }) };
  }
  const applied = await applyCommands({ ws, templates, state, registry, progress: { emit: () => undefined }, ...(agents ? { agents } : {}) }, ctx, effects);
  const outcome = applied.outcomes[0]!;
  const effect = effects[0]!.effect;
  const printed: Printed = {
    command: commands[0]!.name,
    project: project.id,
    by,
    at,
    effect: effect.type,
    outcome: outcome.kind,
    reply: outcome.kind === "done" ? (outcome.reply ?? outcome.note ?? null) : null,
    reason: outcome.kind === "rejected" || outcome.kind === "failed" ? outcome.reason : null,
    commit: applied.sha ?? null,
  };
  const ok = outcome.kind === "done";
  if (v.json) io.stdout(`${JSON.stringify(printed, null, 2)}\n`);
  else if (ok) {
    const said = printed.reply ? printed.reply.replace(/^these are the commands\.\n\n|^here is where \S+ stands\.\n\n/, "") : "done";
    const where = applied.sha ? ` (${applied.sha.slice(0, 7)} on ${ws.workingBranch})` : " (nothing to record)";
    io.stdout(`✓ ${project.id}: ${printed.command} by ${by}: ${said}${where}\n`);
  } else io.stderr(`ateams: ${printed.command} ${outcome.kind === "failed" ? "failed" : "was not run"}: ${printed.reason}\n`);
  return ok ? EXIT.ok : EXIT.invalid;
}
