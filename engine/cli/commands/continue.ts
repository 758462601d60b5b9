// `ateams continue`: the pipeline's last job. After a wave's reconcile has merged what the stream jobs did, it plans
// again and, when stream jobs have new work they can start, sends one `repository_dispatch` that starts the next
// wave (engine/plan/next-wave.ts decides; this sends).
import { createGitHubClient } from "../../github/index.ts";
import { githubSettingsFrom } from "../../github-mode/github-run-context.ts";
import { decideContinuation } from "../../plan/next-wave.ts";
import { startableWork } from "../../plan/stream-work.ts";
import { COMMON_OPTIONS, parse } from "../args.ts";
import { EXIT, UsageError, type CliIO } from "../io.ts";
import { loadAndPlan } from "../load-or-report.ts";

/** The repository_dispatch type the pipeline's calling workflow listens for. */
export const CONTINUE_EVENT = "ateams-continue";
export const DEFAULT_MAX_CHAIN = 10;

export const CONTINUE_HELP = `Usage: ateams continue --wave <json> [--chain <n>] [--max-chain <n>] [--agency <dir>]

The pipeline's last step (GitHub Actions). Plans the agency as the wave's reconcile left it and,
when stream jobs have task work they can start that was not theirs when the wave began, sends one
repository_dispatch event '${CONTINUE_EVENT}' with {"chain": n+1}: the calling workflow listens for
it and runs the next wave. Workflows a job's own token starts see no other event, so without this
the pipeline would stop after one wave.

Options:
  --wave <json>        what could start when the wave began: \`ateams plan --wave\` in the plan job
  --chain <n>          dispatched runs before this one (the event's client_payload.chain; default 0)
  --max-chain <n>      most dispatched runs in a row from one person's event (default ${DEFAULT_MAX_CHAIN}); at the
                       bound nothing is sent and a warning says so: the next push, comment or schedule goes on
  --agency <dir>       the agency directory (default: ./agency)
  -h, --help           show this help

Needs GITHUB_TOKEN (contents: write) and GITHUB_REPOSITORY, as Actions provides them.
Exit status: 0 dispatched or nothing to dispatch, 1 invalid specs or the dispatch failed, 2 usage error.
`;

function count(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a whole number (got '${raw}')`);
  return n;
}

function waveOf(raw: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new UsageError(`--wave must be the JSON list \`ateams plan --wave\` prints (got '${raw.slice(0, 80)}')`);
  }
  if (!Array.isArray(parsed) || !parsed.every((w) => typeof w === "string")) throw new UsageError("--wave must be a JSON list of strings, as `ateams plan --wave` prints it");
  return parsed;
}

export async function continueCommand(argv: string[], io: CliIO): Promise<number> {
  const { values } = parse(argv, {
    ...COMMON_OPTIONS,
    wave: { type: "string" },
    chain: { type: "string" },
    "max-chain": { type: "string" },
  });
  if (values.help) {
    io.stdout(CONTINUE_HELP);
    return EXIT.ok;
  }
  if (values.wave === undefined) throw new UsageError("--wave is required: what `ateams plan --wave` printed when the wave began");
  const before = waveOf(values.wave);
  const chain = count("chain", values.chain, 0);
  const maxChain = count("max-chain", values["max-chain"], DEFAULT_MAX_CHAIN);
  const github = githubSettingsFrom(io.env);
  if (!github) throw new UsageError("continue sends a repository_dispatch: it needs GITHUB_TOKEN and GITHUB_REPOSITORY (owner/name), as GitHub Actions provides them");

  const planned = await loadAndPlan(io, values.agency, undefined);
  if (!planned) return EXIT.invalid;
  await planned.ws?.close();
  const decision = decideContinuation({ before, now: startableWork(planned.plan), chain, maxChain });
  const annotate = io.env.GITHUB_ACTIONS === "true";
  const say = (level: "notice" | "warning", text: string) => io.stderr(annotate ? `::${level} title=ateams: continuation::${text}\n` : `ateams: ${text}\n`);
  const tasks = (work: string[]) => work.map((w) => w.split("@")[0]).join(", ");
  switch (decision.kind) {
    case "done":
      io.stdout("no stream has work it can start: the pipeline stops here\n");
      return EXIT.ok;
    case "same":
      say("notice", `nothing new can start (still to do, already this wave's: ${tasks(decision.work)}): no next wave`);
      return EXIT.ok;
    case "bound":
      say("warning", `new work can start (${tasks(decision.work)}), but ${decision.chain} runs were already chained (--max-chain ${decision.maxChain}): the next push, comment or scheduled run goes on`);
      return EXIT.ok;
    case "dispatch": {
      const forge = io.github ? io.github(github) : createGitHubClient({ token: github.token, owner: github.owner, repo: github.repo, baseUrl: github.apiUrl });
      try {
        await forge.dispatchRepositoryEvent(CONTINUE_EVENT, { chain: decision.chain });
      } catch (e) {
        io.stderr(`ateams: the next wave could not be dispatched: ${e instanceof Error ? e.message : String(e)}\n`);
        return EXIT.invalid;
      }
      io.stdout(`dispatched ${CONTINUE_EVENT} (chain ${decision.chain} of at most ${decision.maxChain}) for ${tasks(decision.work)}\n`);
      return EXIT.ok;
    }
  }
}
