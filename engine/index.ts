// The package's library surface: what another program may import from "ateams" (the CLI is the main interface).
// Kept to the read-only core — load and validate an agency, plan it, render the plan — plus the CLI itself, so that
// internals can change without a breaking release.
export { main, COMMANDS } from "./cli/main.ts";
export type { CliIO } from "./cli/io.ts";
export { loadAgency, type LoadOptions, type LoadResult } from "./agency/load-agency.ts";
export type { Diagnostic } from "./agency/diagnostic.ts";
export type { AgencyModel, LoadedProject, LoadedRole } from "./agency/model.ts";
export type { Agency, Plan, Project, Role, Status } from "./agency/types.gen.ts";
export { loadTemplates, DEFAULT_TEMPLATES_DIR, type Templates } from "./prompts/templates.ts";
export { planAgency } from "./plan/plan.ts";
export type { Action, ActionKind, ProjectPlan, ReconcilePlan, Stage } from "./plan/types.ts";
export { renderTable } from "./plan/render-table.ts";
export { renderMermaid } from "./plan/render-mermaid.ts";
