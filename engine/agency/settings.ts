// The agency's settings with their defaults applied, in one place: what a project's Director, oversight, revision
// rounds, tool rounds and concurrency are when agency.yaml or project.yaml leaves them out. Callers ask here and
// never repeat a default.
import type { AgencyModel, LoadedProject } from "./model.ts";
import type { Agency, Director, Project } from "./types.gen.ts";

export const DEFAULTS = { oversight: "approve-plan", maxRevisionRounds: 2, maxToolSteps: 8, concurrency: 4, maxEntriesPerRole: 40 } as const;

export type Oversight = NonNullable<Project["oversight"]>;

/**
 * The project's Director: project.director (an id, checked against the agency at load), else the agency's first;
 * with no project, the agency's first.
 */
export function projectDirector(agency: Agency, project: Project | undefined): Director {
  const id = project?.director ?? agency.directors[0].id;
  return agency.directors.find((d) => d.id === id) ?? agency.directors[0];
}

/** The GitHub handle of the project's Director: who is asked to review, approve and answer. */
export const directorHandle = (agency: Agency, project: Project | undefined): string => projectDirector(agency, project).github;

export function oversightOf(model: AgencyModel, project: LoadedProject): Oversight {
  return project.spec.oversight ?? model.spec.defaults?.oversight ?? DEFAULTS.oversight;
}

/** Specialist rounds a Collaborator may send back before the work goes to a person (and the stream check's). */
export const maxRevisionRounds = (agency: Agency): number => agency.budgets?.maxRevisionRounds ?? DEFAULTS.maxRevisionRounds;

export const maxToolSteps = (agency: Agency): number => agency.budgets?.maxToolSteps ?? DEFAULTS.maxToolSteps;

export const concurrencyOf = (agency: Agency): number => agency.budgets?.concurrency ?? DEFAULTS.concurrency;

/** Entries a role's memory may hold before the L&P Manager is asked to merge them into summaries. */
export const maxEntriesPerRole = (agency: Agency): number => agency.memory?.maxEntriesPerRole ?? DEFAULTS.maxEntriesPerRole;
