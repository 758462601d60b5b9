// Prints diagnostics for people (path:line:col) and, inside GitHub Actions, as annotations.
import { countErrors, formatAnnotation, formatDiagnostic, type Diagnostic } from "../agency/diagnostic.ts";
import { resolve } from "node:path";
import { loadAgency, observeOutputsOnDisk, type LoadOptions, type LoadResult } from "../agency/load-agency.ts";
import type { AgencyModel, LoadedProject } from "../agency/model.ts";
import { UsageError, type CliIO } from "./io.ts";
import { planAgency } from "../plan/plan.ts";
import { loadTemplates } from "../prompts/templates.ts";
import { openWorkspace, type Workspace } from "../run/workspace.ts";

/**
 * Lines printed at most; files are capped already (50 each), but an agency of thousands of broken files would still
 * flood a terminal or an Actions log. `ateams validate --json` lists every diagnostic.
 */
export const MAX_REPORTED_DIAGNOSTICS = 200;

export function reportDiagnostics(io: CliIO, diags: readonly Diagnostic[], max = MAX_REPORTED_DIAGNOSTICS): void {
  const annotate = io.env.GITHUB_ACTIONS === "true";
  // Errors first, so a cut never hides the reason a command refused to work behind warnings.
  const shown = diags.length <= max ? diags : [...diags.filter((d) => d.severity === "error"), ...diags.filter((d) => d.severity !== "error")].slice(0, max);
  for (const d of shown) {
    io.stderr(`${formatDiagnostic(d, io.cwd)}\n`);
    if (annotate) io.stdout(`${formatAnnotation(d, io.cwd)}\n`);
  }
  if (diags.length > shown.length) io.stderr(`… and ${diags.length - shown.length} more not shown (ateams validate --json lists them all)\n`);
}

/** Loads and reports; undefined means "invalid, already reported, exit 1". */
export async function loadOrReport(io: CliIO, agencyDir: string, opts: LoadOptions = {}): Promise<AgencyModel | undefined> {
  const result: LoadResult = await loadAgency(resolve(io.cwd, agencyDir), opts);
  if (!result.ok) {
    reportDiagnostics(io, result.diagnostics);
    const errors = countErrors(result.diagnostics);
    io.stderr(`${errors} error${errors === 1 ? "" : "s"} in ${agencyDir}; nothing was written\n`);
    return undefined;
  }
  reportDiagnostics(io, result.warnings);
  return result.model;
}

/**
 * Validates (reporting problems) and plans, observing outputs where `ateams run` does: inside a git repository,
 * on unmerged stream branches too. Undefined means "invalid, already reported".
 */
export async function loadAndPlan(io: CliIO, agencyDir: string, projects: string[] | undefined) {
  // Git is opened when the first output is observed, which the loader does only once the specs are valid: an
  // invalid agency is reported without starting a process.
  let opened: Promise<Workspace | undefined> | undefined;
  const workspace = () => (opened ??= openWorkspace(resolve(io.cwd, agencyDir)).catch(() => undefined));
  const observeOutputs = async (project: LoadedProject) => {
    const ws = await workspace();
    return ws ? ws.observeOutputs(project) : observeOutputsOnDisk(project);
  };
  const model = await loadOrReport(io, agencyDir, { observeOutputs });
  if (!model) return undefined;
  const ws = await workspace();
  const unknown = (projects ?? []).filter((p) => !model.projects.has(p));
  if (unknown.length) throw new UsageError(`unknown project '${unknown[0]}' (have: ${[...model.projects.keys()].join(", ")})`);
  const templates = await loadTemplates();
  // The clock says whether a failed action's backoff is over, so `plan` and `status` show what `run` would do now.
  return { model, templates, plan: planAgency(model, templates, projects, new Date().toISOString()), ws };
}
