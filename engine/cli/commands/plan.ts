// `ateams plan`: what `ateams run` would do next, with model tiers, reasons and costs. Needs no API key.
import { renderMermaid } from "../../plan/render-mermaid.ts";
import { renderTable } from "../../plan/render-table.ts";
import { startableWork, streamMatrix } from "../../plan/stream-work.ts";
import { promptsFor } from "../show-prompts.ts";
import { COMMON_OPTIONS, parse } from "../args.ts";
import { EXIT, UsageError, type CliIO } from "../io.ts";
import { loadAndPlan } from "../load-or-report.ts";
import { recallChangedSince } from "../taught-since.ts";
import { createMemoryRanker } from "../../vector-index/create-ranker.ts";

export const PLAN_HELP = `Usage: ateams plan [--agency <dir>] [--project <id>]... [--json | --format table|json|mermaid] [--show-prompts] [--matrix | --wave]

Validates the agency, reads each project's recorded status, and prints exactly what
\`ateams run\` would do next: each project's stage, every action with the agent and model
tier that would take it, why (what changed), the routing scores behind each tier, and the
estimated tokens and cost. Reads files only: no API key, no network, nothing written
(unless agency.yaml's memory.ranker is embeddings or chroma: then ranking memory for
--show-prompts and for finished tasks a lesson would change calls the /embeddings endpoint
and keeps the vectors in .ateams/embeddings.json, which git ignores).

Options:
  --agency <dir>      the agency directory (default: ./agency)
  --project <id>      only this project (repeatable)
  --json              machine-readable plan (same as --format json)
  --format <f>        table (default), json, or mermaid (the stream/task graph)
  --show-prompts      also print what each model call would send, exactly as \`ateams run\` renders it:
                      the system message (a Specialist's with what memory recalls for the task) and, for a task,
                      its message with upstream outputs, resources and recorded feedback
                      (JSON: systemPrompt and userPrompt on each action)
  --matrix            print {"include":[{"project","stream"}…]} on one line: the streams whose task work can
                      start now (not waiting on another stream's tasks or an approval), one Actions job each
  --wave              print, on one line, the task work those jobs can start, as ["project/task@fingerprint"…]:
                      \`ateams continue --wave\` compares it with what can start after the wave
  -h, --help          show this help

Exit status: 0 planned, 1 invalid specs, 2 usage error.
`;

export async function planCommand(argv: string[], io: CliIO): Promise<number> {
  const { values } = parse(argv, {
    ...COMMON_OPTIONS,
    project: { type: "string", multiple: true },
    json: { type: "boolean", default: false },
    format: { type: "string" },
    matrix: { type: "boolean", default: false },
    wave: { type: "boolean", default: false },
    "show-prompts": { type: "boolean", default: false },
  });
  if (values.help) {
    io.stdout(PLAN_HELP);
    return EXIT.ok;
  }
  const format = values.json ? "json" : (values.format ?? "table");
  if (!["table", "json", "mermaid"].includes(format)) throw new UsageError(`--format must be table, json or mermaid (got '${format}')`);
  if (values.matrix && values.wave) throw new UsageError("--matrix and --wave are two outputs: ask for one at a time");
  const planned = await loadAndPlan(io, values.agency, values.project);
  if (!planned) return EXIT.invalid;
  const { model, templates, ws } = planned;
  const ranker = await createMemoryRanker(model.spec, { env: io.env, repoRoot: ws?.repoRoot ?? io.cwd });
  try {
    const plan = values.matrix || values.wave ? planned.plan : await recallChangedSince(model, planned.plan, ranker);
    if (values.matrix) {
      // One line for $GITHUB_OUTPUT: a job per stream with work it can start, so no job waits on another's.
      io.stdout(`${JSON.stringify(streamMatrix(plan))}\n`);
    } else if (values.wave) {
      io.stdout(`${JSON.stringify(startableWork(plan))}\n`);
    } else if (format === "json") {
      const withPrompts = values["show-prompts"]
        ? { ...plan, projects: await Promise.all(plan.projects.map(async (p) => ({ ...p, actions: await Promise.all(p.actions.map(async (a) => ({ ...a, ...(await promptsFor(model, templates, ws, a, ranker)) }))) }))) }
        : plan;
      io.stdout(`${JSON.stringify(withPrompts, null, 2)}\n`);
    } else if (format === "mermaid") {
      io.stdout(renderMermaid(model, plan));
    } else {
      io.stdout(renderTable(plan));
      if (values["show-prompts"]) {
        for (const a of plan.projects.flatMap((p) => p.actions)) {
          const { systemPrompt, userPrompt } = await promptsFor(model, templates, ws, a, ranker);
          if (systemPrompt) io.stdout(`\n──── ${a.id} (${a.agent}, ${a.model}) ────\n${systemPrompt}`);
          if (userPrompt) io.stdout(`\n──── ${a.id}: task message ────\n${userPrompt}`);
        }
      }
    }
  } finally {
    await ws?.close();
  }
  return EXIT.ok;
}
