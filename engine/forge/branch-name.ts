// Branch names as a value type that formats and parses, so a run can list refs and know which project and stream
// each one belongs to without any other record (release-please's branch-name.ts, Renovate's branch lookup).

export const BRANCH_PREFIX = "ateams";

import { RESERVED_STREAM_IDS } from "../agency/cross-check.ts";
export { RESERVED_STREAM_IDS };

export type BranchName =
  | { kind: "stream"; project: string; stream: string }
  | { kind: "plan"; project: string }
  | { kind: "assembly"; project: string }
  | { kind: "learning"; project: string };

export class BranchNameError extends Error {
  override name = "BranchNameError";
}

// Same shape as the schemas' `id`: lower-case kebab, which is always a valid single ref component.
const ID = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

function checkId(what: string, id: string): string {
  if (!ID.test(id) || id.length > 63) throw new BranchNameError(`${what} id ${JSON.stringify(id)} cannot be part of a branch name`);
  return id;
}

export function streamBranch(project: string, stream: string): BranchName {
  return { kind: "stream", project, stream };
}

export function planBranch(project: string): BranchName {
  return { kind: "plan", project };
}

export function assemblyBranch(project: string): BranchName {
  return { kind: "assembly", project };
}

/** Where the L&P Manager's proposals for a project wait for review. */
export function learningBranch(project: string): BranchName {
  return { kind: "learning", project };
}

/** `ateams/<project>/<stream>`, or `ateams/<project>/` + `plan`, `assembly` or `learning` (no `refs/heads/`). */
export function formatBranchName(branch: BranchName): string {
  const project = checkId("project", branch.project);
  if (branch.kind !== "stream") return `${BRANCH_PREFIX}/${project}/${branch.kind}`;
  const stream = checkId("stream", branch.stream);
  if (RESERVED_STREAM_IDS.includes(stream)) throw new BranchNameError(`stream id '${stream}' is reserved for the project's ${stream} branch`);
  return `${BRANCH_PREFIX}/${project}/${stream}`;
}

/** Accepts a short name or a full `refs/heads/` ref; undefined for any branch that is not one of ours. */
export function parseBranchName(name: string): BranchName | undefined {
  const short = name.startsWith("refs/heads/") ? name.slice("refs/heads/".length) : name;
  const parts = short.split("/");
  if (parts.length !== 3 || parts[0] !== BRANCH_PREFIX) return undefined;
  const [, project, last] = parts as [string, string, string];
  if (!ID.test(project) || !ID.test(last) || project.length > 63 || last.length > 63) return undefined;
  if (last === "plan" || last === "assembly" || last === "learning") return { kind: last, project };
  return { kind: "stream", project, stream: last };
}
