// What every executor needs, built once per run.
import type { AgentDeps } from "../agents/call.ts";
import type { Templates } from "../prompts/templates.ts";
import type { LoadedProject } from "../agency/model.ts";
import type { Progress } from "./progress.ts";
import type { StatusStore } from "./status-store.ts";
import type { Workspace } from "./workspace.ts";

export interface RunContext {
  ws: Workspace;
  templates: Templates;
  deps: AgentDeps;
  status(project: LoadedProject): StatusStore;
  progress: Progress;
  now(): string;
  /**
   * Said by an action that has its answer and is only recording it now, so the scheduler plans once after it
   * rather than once before and again after (scheduler.ts).
   */
  finishing?: () => void;
  /** Where the assembled deliverable goes: the working branch (local) or `ateams/<p>/assembly` (a forge's PR). */
  deliverAssembly?: "working" | "branch";
}

/** The agents' dependencies for one action, on its retry (status/retry.ts attemptLabel) when it is one. */
export const depsForAttempt = (deps: AgentDeps, attempt: string | undefined): AgentDeps => (attempt === undefined ? deps : { ...deps, attempt });

/** Commit trailers: the next run rebuilds what this one did from them (see forge/trailers.ts). */
export function trailers(fields: { project: string; kind: string; stream?: string; task?: string; role?: string; model?: string; fingerprint?: string }): Record<string, string> {
  const t: Record<string, string> = { "Ateams-Project": fields.project, "Ateams-Kind": fields.kind };
  if (fields.stream) t["Ateams-Stream"] = fields.stream;
  if (fields.task) t["Ateams-Task"] = fields.task;
  if (fields.role) t["Ateams-Role"] = fields.role;
  if (fields.model) t["Ateams-Model"] = fields.model;
  if (fields.fingerprint) t["Ateams-Fingerprint"] = fields.fingerprint;
  return t;
}
