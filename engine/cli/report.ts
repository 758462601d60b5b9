// Prints diagnostics for people (path:line:col) and, inside GitHub Actions, as annotations.
import { formatAnnotation, formatDiagnostic, type Diagnostic } from "../spec/diagnostic.ts";
import { resolve } from "node:path";
import { loadAgency, type LoadOptions, type LoadResult } from "../spec/load-agency.ts";
import type { AgencyModel } from "../spec/model.ts";
import { UsageError, type CliIO } from "./io.ts";
import { planAgency } from "../plan/plan.ts";
import { loadTemplates } from "../prompts/templates.ts";
import { openWorkspace } from "../run/workspace.ts";

export function reportDiagnostics(io: CliIO, diags: readonly Diagnostic[]): void {
  const annotate = io.env.GITHUB_ACTIONS === "true";
  for (const d of diags) {
    io.stderr(`${formatDiagnostic(d, io.cwd)}\n`);
    if (annotate) io.stdout(`${formatAnnotation(d, io.cwd)}\n`);
  }
}

/** Loads and reports; undefined means "invalid, already reported, exit 1". */
export async function loadOrReport(io: CliIO, agencyDir: string, opts: LoadOptions = {}): Promise<AgencyModel | undefined> {
  const result: LoadResult = await loadAgency(resolve(io.cwd, agencyDir), opts);
  if (!result.ok) {
    reportDiagnostics(io, result.diagnostics);
    const errors = result.diagnostics.filter((d) => d.severity === "error").length;
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
  const ws = await openWorkspace(resolve(io.cwd, agencyDir)).catch(() => undefined);
  const model = await loadOrReport(io, agencyDir, ws ? { observeOutputs: ws.observeOutputs } : {});
  if (!model) return undefined;
  const unknown = (projects ?? []).filter((p) => !model.projects.has(p));
  if (unknown.length) throw new UsageError(`unknown project '${unknown[0]}' (have: ${[...model.projects.keys()].join(", ")})`);
  const templates = await loadTemplates();
  // The clock says whether a failed action's backoff is over, so `plan` and `status` show what `run` would do now.
  return { model, templates, plan: planAgency(model, templates, projects, new Date().toISOString()), ws };
}
