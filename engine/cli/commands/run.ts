// `ateams run`: reconcile the agency — plan, call the models, commit every finished step.
import { resolve } from "node:path";
import { planAgency } from "../../plan/plan.ts";
import { renderTable } from "../../plan/render-table.ts";
import { formatTokens, formatUsd } from "../../agency/usage.ts";
import { loadTemplates } from "../../prompts/templates.ts";
import { createProgress } from "../../run/progress.ts";
import { missingProvider } from "../../llm/providers.ts";
import { InvalidSpecsError, runAgency, type RunReport } from "../../run/run-agency.ts";
import { githubSettingsFrom } from "../../github-mode/github-run-context.ts";
import { actionsEvent, runGitHub } from "../../github-mode/run-github.ts";
import { WorkspaceError } from "../../run/workspace.ts";
import { RepoLockedError } from "../../forge/index.ts";
import { COMMON_OPTIONS, parse } from "../args.ts";
import { writeJobSummary } from "../job-summary.ts";
import { metricsMarkdown } from "../metrics-markdown.ts";
import { EXIT, UsageError, type CliIO } from "../io.ts";
import { loadOrReport, reportDiagnostics } from "../load-or-report.ts";

export const RUN_HELP = `Usage: ateams run [--agency <dir>] [--project <id>]... [--stream <id>]... [--fan-out] [--forge local|github] [--concurrency <n>] [--lock-wait <s>] [--json] [--verbose]

Reconciles the agency: the PM plans projects that need it, Specialists work their tasks in
parallel streams, Collaborators check and send work back, streams merge, the PM assembles.
Every finished step is committed at once (stream work on ateams/<project>/<stream>, plan and
status on the current branch), so a run can be stopped at any moment and run again: nothing
finished is redone, and only work whose inputs changed runs again. \`ateams plan\` shows what
this would do.

Models: OPENAI_API_KEY (OpenAI) and/or OPENAI_BASE_URL (any OpenAI-compatible server: Ollama,
vLLM, LiteLLM, llama.cpp), or per tier in agency.yaml (models.tiers[].baseUrl, apiKeyEnv).

Options:
  --agency <dir>       the agency directory (default: ./agency), inside a git repository
  --project <id>       only this project (repeatable)
  --stream <id>        only these streams' tasks (repeatable): a fan-out job. Tasks that wait on another
                       stream's work are reported (a ::notice:: in Actions), not run, and do not fail the job
  --fan-out            the reconcile of a fan-out: adopt the tasks the stream jobs committed, leave the rest
                       to them, and do everything else (plans, stream checks, merges, assembly, pull requests)
  --forge <f>          local (commits only) or github (take in comments and /commands, push, open and update
                       pull requests); default: github inside GitHub Actions (which then needs GITHUB_TOKEN),
                       local elsewhere and for --stream jobs
  --concurrency <n>    model calls in flight at once (default: agency budgets.concurrency, or 4)
  --lock-wait <s>      one run per repository at a time: how long to wait for another run to finish before
                       exiting 1 with its owner named (default 5; the lock is .git/ateams.lock)
  --json               print the run report as JSON on stdout
  --verbose            also print one line per model call
  -h, --help           show this help

Exit status: 0 all runnable work done (the rest waits on people, or on other jobs of a fan-out),
1 invalid specs, a failed task or a budget stop, 2 usage error (also: in GitHub Actions without
GITHUB_TOKEN and without --forge local).
`;

export async function runCommand(argv: string[], io: CliIO): Promise<number> {
  const { values } = parse(argv, {
    ...COMMON_OPTIONS,
    project: { type: "string", multiple: true },
    stream: { type: "string", multiple: true },
    "fan-out": { type: "boolean", default: false },
    forge: { type: "string" },
    concurrency: { type: "string" },
    "lock-wait": { type: "string" },
    json: { type: "boolean", default: false },
    verbose: { type: "boolean", default: false },
  });
  if (values.help) {
    io.stdout(RUN_HELP);
    return EXIT.ok;
  }
  if (values["fan-out"] && values.stream) throw new UsageError("--fan-out is the reconcile that adopts the --stream jobs' work: give one or the other");
  const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
  const lockWait = values["lock-wait"] === undefined ? undefined : Number(values["lock-wait"]);
  if (lockWait !== undefined && !(Number.isFinite(lockWait) && lockWait >= 0)) throw new UsageError(`--lock-wait must be a number of seconds, 0 or more (got '${values["lock-wait"]}')`);
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1)) throw new UsageError(`--concurrency must be a positive integer (got '${values.concurrency}')`);
  const model = await loadOrReport(io, values.agency);
  if (!model) return EXIT.invalid;
  const unknown = (values.project ?? []).filter((p) => !model.projects.has(p));
  if (unknown.length) throw new UsageError(`unknown project '${unknown[0]}' (have: ${[...model.projects.keys()].join(", ")})`);

  const missing = missingProvider(model.spec, io.env);
  if (missing) {
    io.stderr(`ateams: ${missing}\n\nNothing was run. This is what \`ateams run\` would do:\n\n`);
    io.stdout(renderTable(planAgency(model, await loadTemplates(), values.project)));
    return io.env.GITHUB_ACTIONS === "true" ? EXIT.invalid : EXIT.ok;
  }
  const progress = createProgress((l) => io.stderr(l), { tty: io.isTTY, verbose: values.verbose, annotate: io.env.GITHUB_ACTIONS === "true" });
  const github = githubSettingsFrom(io.env);
  const inActions = io.env.GITHUB_ACTIONS === "true";
  // In Actions the checkout is thrown away after the job: work that is not pushed is lost. A run there publishes,
  // unless it says --forge local (a stream job, whose next step pushes its branch).
  const forge = values.forge ?? (inActions && !values.stream ? "github" : "local");
  if (forge !== "local" && forge !== "github") throw new UsageError(`--forge must be local or github (got '${forge}')`);
  if (forge === "github" && !github) {
    const why = values.forge ? "--forge github" : "inside GitHub Actions, `ateams run` publishes and";
    throw new UsageError(`${why} needs GITHUB_TOKEN (the action's \`token\` input, or \`env: GITHUB_TOKEN: \${{ github.token }}\`) and GITHUB_REPOSITORY (owner/name); nothing was run. To only commit in this checkout, pass --forge local`);
  }
  try {
    const options = {
      agencyDir: resolve(io.cwd, values.agency),
      ...(values.project ? { projects: values.project } : {}),
      ...(values.stream ? { streams: values.stream } : {}),
      ...(values["fan-out"] ? { fanOut: true } : {}),
      ...(concurrency ? { concurrency } : {}),
      ...(lockWait !== undefined ? { lockWaitMs: lockWait * 1000 } : {}),
      env: io.env,
      progress,
    };
    let report: RunReport;
    let prs: Map<string, string> | undefined;
    if (forge === "github") {
      const event = await actionsEvent(io.env);
      const gh = await runGitHub({ ...options, github: github!, ...(event ? { event } : {}), ...(io.github ? { forge: io.github(github!) } : {}) });
      io.stderr(`github: ${gh.intake.events} event(s), ${gh.intake.commands} command(s); PRs ${gh.publish.created} opened, ${gh.publish.updated} updated; pushed ${gh.pushed.join(", ") || "nothing"}\n`);
      report = gh;
      prs = new Map([...gh.publish.prs].map(([head, n]) => [head, `${github!.serverUrl}/${github!.owner}/${github!.repo}/pull/${n}`]));
    } else report = await runAgency(options);
    // A stream job's summary stays about its stream; the reconcile's shows each project's metrics.
    await writeJobSummary(io.env, report, prs, values.stream?.length ? undefined : () => metricsMarkdown(options.agencyDir, report.projects.map((p) => p.id)));
    // A fan-out job whose work waits upstream ends well: say what it waits for, where Actions shows it.
    for (const line of waitingLines(report)) io.stderr(inActions ? `::notice title=ateams: waiting on other streams::${line}\n` : `ateams: ${line}\n`);
    if (report.left.length) io.stderr(`ateams: left for the stream jobs: ${report.left.join(", ")}\n`);
    if (values.json) io.stdout(`${JSON.stringify(report, null, 2)}\n`);
    else {
      for (const p of report.projects) io.stdout(`● ${p.id}  stage: ${p.stage}  ${p.summary}\n`);
      for (const f of report.failures) io.stdout(`  ✗ ${f}\n`);
      const u = report.usage;
      io.stdout(`run: ${report.actions} action${report.actions === 1 ? "" : "s"}, ${u.calls} model call${u.calls === 1 ? "" : "s"}, ${formatTokens(u.inputTokens)} in / ${formatTokens(u.outputTokens)} out tokens, ${formatUsd(u.costUsd)}\n`);
    }
    return report.exitCode;
  } catch (e) {
    if (e instanceof InvalidSpecsError) {
      reportDiagnostics(io, e.diagnostics);
      return EXIT.invalid;
    }
    if (e instanceof RepoLockedError) {
      io.stderr(`ateams: ${e.message}\n`);
      return EXIT.invalid;
    }
    if (e instanceof WorkspaceError) {
      io.stderr(`ateams: ${e.message}\n`);
      return EXIT.invalid;
    }
    throw e;
  }
}

/** One line per waiting stream: `launch-kit/site waits on other streams: landing-page on content/copy-edit; …`. */
export function waitingLines(report: Pick<RunReport, "waiting">): string[] {
  const byStream = new Map<string, string[]>();
  for (const w of report.waiting) {
    const key = `${w.project}/${w.stream}`;
    byStream.set(key, [...(byStream.get(key) ?? []), `${w.task} on ${w.on.join(", ")}`]);
  }
  return [...byStream].map(([stream, tasks]) => `${stream} waits on other streams: ${tasks.join("; ")}`);
}
