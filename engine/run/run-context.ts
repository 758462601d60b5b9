// What every executor needs, built once per run.
import type { AgentDeps } from "../agents/call.ts";
import type { MemoryRanker } from "../memory/ranker.ts";
import type { Templates } from "../prompts/templates.ts";
import type { LoadedProject } from "../agency/model.ts";
import type { Progress } from "./progress.ts";
import type { StatusStore } from "./status-store.ts";
import type { Workspace } from "./workspace.ts";
import { formatTrailers, type CommitTrailers } from "../agency/commit-trailers.ts";

export interface RunContext {
  ws: Workspace;
  templates: Templates;
  deps: AgentDeps;
  /** Ranks agency/memory/ for each prompt (agency.yaml memory.ranker). */
  memory: MemoryRanker;
  status(project: LoadedProject): StatusStore;
  progress: Progress;
  now(): string;
  /** Where the assembled deliverable goes: the working branch (local) or `ateams/<p>/assembly` (a forge's PR). */
  deliverAssembly?: "working" | "branch";
}

/** The agents' dependencies for one action, on its retry (status/retry.ts attemptLabel) when it is one. */
export const depsForAttempt = (deps: AgentDeps, attempt: string | undefined): AgentDeps => (attempt === undefined ? deps : { ...deps, attempt });

/** Commit trailers: the next run rebuilds what this one did from them (see forge/trailers.ts). */
export function trailers(fields: CommitTrailers & { project: string; kind: string }): Record<string, string> {
  return formatTrailers(fields);
}
