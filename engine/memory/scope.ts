// Which memory files a prompt draws on. A Specialist gets its role's lessons and observations and the patterns every
// role shares; the Project Manager gets its own observations and the analyses of earlier projects (one file per
// project, so two projects' jobs never write the same file).
import type { MemoryEntry } from "../agency/types.gen.ts";

/** agency/memory/ paths, relative to the agency directory's memory folder. */
export const COLLABORATION_FILE = "collaboration.yaml";
export const PM_FILE = "project-manager.yaml";

export const roleMemoryFile = (role: string): string => `roles/${role}.yaml`;

export const analysisFile = (project: string): string => `analyses/${project}.yaml`;

export type MemoryScope = { kind: "role"; role: string } | { kind: "project-manager" };

/** The memory files (relative to agency/memory/) in `scope`, of those `memory` holds. */
export function scopeFiles(memory: AgencyMemory, scope: MemoryScope): string[] {
  return scope.kind === "role" ? [roleMemoryFile(scope.role), COLLABORATION_FILE] : [PM_FILE, ...[...memory.keys()].filter((f) => f.startsWith("analyses/")).sort()];
}

/** An entry with the memory file it lives in (relative to agency/memory/). */
export interface FiledEntry extends MemoryEntry {
  file: string;
}

/** The agency's memory as loaded: entries by file (relative to agency/memory/), in file order. */
export type AgencyMemory = ReadonlyMap<string, readonly MemoryEntry[]>;

export function entriesIn(memory: AgencyMemory, scope: MemoryScope): FiledEntry[] {
  return scopeFiles(memory, scope).flatMap((file) => (memory.get(file) ?? []).map((e) => ({ ...e, file })));
}
