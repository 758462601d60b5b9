// `ateams watch`: re-validate and re-plan whenever a spec file changes (and with --apply, reconcile), so an edit to
// a role or a plan shows its consequences at once. One pass at a time: changes that arrive during a pass queue
// exactly one more.
import { statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { relative, resolve, sep } from "node:path";
import { watch } from "chokidar";
import { planAgency } from "../../plan/plan.ts";
import { renderTable } from "../../plan/render-table.ts";
import type { ReconcilePlan } from "../../plan/types.ts";
import { loadTemplates } from "../../prompts/templates.ts";
import { createProgress } from "../../run/progress.ts";
import { missingProvider } from "../../llm/providers.ts";
import { InvalidSpecsError, runAgency, type RunOptions, type RunReport } from "../../run/run-agency.ts";
import { openWorkspace, WorkspaceError } from "../../run/workspace.ts";
import { countErrors, displayPath, type Diagnostic } from "../../agency/diagnostic.ts";
import { loadAgency } from "../../agency/load-agency.ts";
import { COMMON_OPTIONS, parse } from "../args.ts";
import { formatRunReport } from "../format-run.ts";
import { EXIT, UsageError, type CliIO } from "../io.ts";
import { reportDiagnostics } from "../load-or-report.ts";

export const WATCH_HELP = `Usage: ateams watch [--agency <dir>] [--apply] [--debounce <ms>] [--project <id>]... [--concurrency <n>] [--verbose]

Watches the agency directory. At start and after every change (debounced) it validates the
agency and prints either the located errors or the plan, under a header with the time and
the changed files. With --apply it also runs what the plan says, exactly as \`ateams run\`;
a change made while a run is going on queues one more pass after it. Ignored: projects'
outputs/, log/ and metrics, dot-files (.git, .ateams, editor swap files), and the files a run itself
commits. Stop with Ctrl-C (SIGINT) or SIGTERM.

Options:
  --agency <dir>       the agency directory (default: ./agency)
  --apply              also reconcile after each plan (needs a model provider, as \`ateams run\`)
  --debounce <ms>      wait for this long after the last change (default: 300)
  --project <id>       only this project (repeatable)
  --concurrency <n>    with --apply: model calls in flight at once
  --verbose            with --apply: one line per model call
  -h, --help           show this help

Exit status: 0 stopped by a signal, 1 agency directory not found, 2 usage error.
`;

/** One validate + plan (+ run) pass, for the caller's hook and for tests. */
export interface WatchPass {
  n: number;
  /** Paths relative to the agency directory; empty for the first pass. */
  changed: string[];
  ok: boolean;
  diagnostics: Diagnostic[];
  plan: ReconcilePlan | null;
  run: RunReport | null;
  /** A run that could not start or crashed; the watch goes on. */
  error: string | null;
}

export interface WatchOptions {
  /** Absolute, or relative to io.cwd. */
  agencyDir: string;
  io: CliIO;
  apply: boolean;
  debounceMs: number;
  signal: AbortSignal;
  onPass?: (pass: WatchPass) => void;
  projects?: string[];
  concurrency?: number;
  verbose?: boolean;
  /** How a run happens: runAgency, unless a test needs to hold a run open. */
  run?: (opts: RunOptions) => Promise<RunReport>;
}

/** Files a run of ours commits arrive as change events shortly after it ends, too. */
const ENGINE_WRITE_GRACE_MS = 1000;

/**
 * Paths (relative to the agency directory) that never trigger a pass: what runs produce (outputs, work logs, metrics), git's
 * and the engine's own directories, and editor droppings. status.yaml is not listed: a run of ours is filtered by
 * content (see `engineWrites`), and one by another process is news worth a re-plan.
 */
export function isIgnoredPath(rel: string): boolean {
  if (rel === "" || rel.startsWith("..")) return false;
  const parts = rel.split(sep).join("/").split("/");
  const name = parts[parts.length - 1]!;
  if (parts.some((p) => p.startsWith("."))) return true;
  if (name.endsWith("~") || name.startsWith("#") || /\.sw[a-p]$/.test(name)) return true;
  return parts[0] === "projects" && parts.length >= 3 && (parts[2] === "outputs" || parts[2] === "log" || parts[2] === "metrics" || parts[2] === "metrics.jsonl");
}

export async function watchAgency(opts: WatchOptions): Promise<void> {
  const { io, signal } = opts;
  const dir = resolve(io.cwd, opts.agencyDir);
  const templates = await loadTemplates();
  const runner = opts.run ?? runAgency;
  // path → seen while one of our runs was writing (then it is dropped if it matches what that run committed)
  const pending = new Map<string, boolean>();
  let timer: NodeJS.Timeout | undefined;
  let current: Promise<void> | undefined;
  let running = false;
  let runEndedAt = 0;
  let passes = 0;

  const watcher = watch(dir, { ignoreInitial: true, ignored: (path: string) => isIgnoredPath(relative(dir, path)) });
  watcher.on("all", (_event, path) => {
    if (signal.aborted) return;
    const duringRun = running || Date.now() - runEndedAt < ENGINE_WRITE_GRACE_MS;
    pending.set(path, (pending.get(path) ?? true) && duringRun);
    schedule();
  });
  watcher.on("error", (e) => io.stderr(`ateams: watch: ${e instanceof Error ? e.message : String(e)}\n`));
  await new Promise<void>((ready) => watcher.once("ready", () => ready()));

  function schedule(): void {
    clearTimeout(timer);
    timer = setTimeout(fire, opts.debounceMs);
  }

  function fire(first = false): void {
    if (signal.aborted || current) return; // a pass in flight picks `pending` up when it ends
    current = (async () => {
      const batch = [...pending];
      pending.clear();
      const changed = await engineWrites(dir, batch);
      if (first || changed.length) await pass(changed, first);
    })()
      .catch((e) => io.stderr(`ateams: watch: ${e instanceof Error ? e.message : String(e)}\n`))
      .finally(() => {
        current = undefined;
        if (pending.size && !signal.aborted) schedule();
      });
  }

  async function pass(changed: string[], first: boolean): Promise<void> {
    const n = ++passes;
    const time = new Date().toTimeString().slice(0, 8);
    io.stdout(`${first ? "" : "\n"}── ${time} ${first ? `watching ${displayPath(dir, io.cwd)}` : `changed: ${changed.join(", ")}`} ──\n`);
    const ws = await openWorkspace(dir).catch(() => undefined);
    const loaded = await loadAgency(dir, ws ? { observeOutputs: ws.observeOutputs } : {});
    const result: WatchPass = { n, changed, ok: loaded.ok, diagnostics: loaded.ok ? loaded.warnings : loaded.diagnostics, plan: null, run: null, error: null };
    reportDiagnostics(io, result.diagnostics);
    if (!loaded.ok) {
      const errors = countErrors(loaded.diagnostics);
      io.stderr(`${errors} error${errors === 1 ? "" : "s"}; waiting for changes\n`);
      opts.onPass?.(result);
      return;
    }
    result.plan = planAgency(loaded.model, templates, opts.projects);
    io.stdout(renderTable(result.plan));
    if (opts.apply) {
      const missing = missingProvider(loaded.model.spec, io.env);
      if (missing) {
        result.error = missing;
        io.stderr(`ateams: ${missing}\nNothing was run; waiting for changes.\n`);
      } else {
        running = true;
        try {
          result.run = await runner({
            agencyDir: dir,
            env: io.env,
            progress: createProgress((l) => io.stderr(l), { tty: io.isTTY, verbose: opts.verbose ?? false }),
            ...(opts.projects?.length ? { projects: opts.projects } : {}),
            ...(opts.concurrency ? { concurrency: opts.concurrency } : {}),
          });
          io.stdout(formatRunReport(result.run));
        } catch (e) {
          if (e instanceof InvalidSpecsError) reportDiagnostics(io, e.diagnostics);
          result.error = e instanceof Error ? e.message : String(e);
          io.stderr(`ateams: run ${e instanceof WorkspaceError || e instanceof InvalidSpecsError ? "not possible" : "failed"}: ${result.error}\n`);
        } finally {
          running = false;
          runEndedAt = Date.now();
        }
      }
    }
    opts.onPass?.(result);
  }

  try {
    if (!signal.aborted) {
      fire(true);
      await new Promise<void>((stop) => signal.addEventListener("abort", () => stop(), { once: true }));
    }
  } finally {
    clearTimeout(timer);
    await watcher.close();
    if (current) {
      if (running) io.stderr("ateams: stopping after the current run (press Ctrl-C again to stop at once)\n");
      await current;
    }
  }

  /** The changed paths worth a pass, relative to the agency: a file our run committed as it now is was the run's. */
  async function engineWrites(root: string, batch: [string, boolean][]): Promise<string[]> {
    const kept: string[] = [];
    const ws = batch.some(([, duringRun]) => duringRun) ? await openWorkspace(root).catch(() => undefined) : undefined;
    for (const [path, duringRun] of batch) {
      if (duringRun && ws) {
        const onDisk = await readFile(path, "utf8").catch(() => undefined);
        const committed = await ws.store.readFile(ws.workingBranch, ws.repoPath(path));
        if (onDisk === committed) continue;
      }
      kept.push(relative(root, path).split(sep).join("/"));
    }
    return kept.sort();
  }
}

export async function watchCommand(argv: string[], io: CliIO, signals: Pick<NodeJS.EventEmitter, "on" | "off"> = process): Promise<number> {
  const { values } = parse(argv, {
    ...COMMON_OPTIONS,
    apply: { type: "boolean", default: false },
    debounce: { type: "string", default: "300" },
    project: { type: "string", multiple: true },
    concurrency: { type: "string" },
    verbose: { type: "boolean", default: false },
  });
  if (values.help) {
    io.stdout(WATCH_HELP);
    return EXIT.ok;
  }
  const debounceMs = Number(values.debounce);
  if (!Number.isInteger(debounceMs) || debounceMs < 0) throw new UsageError(`--debounce must be a whole number of milliseconds (got '${values.debounce}')`);
  const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1)) throw new UsageError(`--concurrency must be a positive integer (got '${values.concurrency}')`);
  const dir = resolve(io.cwd, values.agency);
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    // reported below
  }
  if (!isDir) {
    io.stderr(`ateams: ${displayPath(dir, io.cwd)}: agency directory not found (use --agency <dir>, or \`ateams init\`)\n`);
    return EXIT.invalid;
  }
  // Project ids can be checked only against a valid agency; an invalid one is reported by the first pass.
  const first = await loadAgency(dir);
  const unknown = first.ok ? (values.project ?? []).filter((p) => !first.model.projects.has(p)) : [];
  if (unknown.length && first.ok) throw new UsageError(`unknown project '${unknown[0]}' (have: ${[...first.model.projects.keys()].join(", ")})`);

  const controller = new AbortController();
  // First signal: stop cleanly. Our listeners go, so a second Ctrl-C gets Node's default and ends the process at once.
  const stop = (name: string) => {
    signals.off("SIGINT", onInt);
    signals.off("SIGTERM", onTerm);
    io.stderr(`\nateams: ${name}: stopping the watch\n`);
    controller.abort();
  };
  const onInt = () => stop("SIGINT");
  const onTerm = () => stop("SIGTERM");
  signals.on("SIGINT", onInt);
  signals.on("SIGTERM", onTerm);
  try {
    await watchAgency({
      agencyDir: dir,
      io,
      apply: values.apply,
      debounceMs,
      signal: controller.signal,
      verbose: values.verbose,
      ...(values.project ? { projects: values.project } : {}),
      ...(concurrency ? { concurrency } : {}),
    });
  } finally {
    signals.off("SIGINT", onInt);
    signals.off("SIGTERM", onTerm);
  }
  return EXIT.ok;
}
