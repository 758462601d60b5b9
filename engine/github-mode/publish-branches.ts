// Which agency branches exist locally, and which of them still carry commits the working branch lacks. A PR can
// only be opened for the latter: GitHub refuses a PR with nothing to compare (422), and a stream the engine has
// already merged needs none. Two git calls for the whole run, however many branches there are.
import { createGitRunner } from "../forge/index.ts";
import { BRANCH_PREFIX } from "../forge/branch-name.ts";

export interface LocalBranches {
  exists(branch: string): boolean;
  /** True while `branch` has commits that `base` does not contain. */
  ahead(branch: string): boolean;
}

export async function localAgencyBranches(repoRoot: string, base: string): Promise<LocalBranches> {
  const git = createGitRunner(repoRoot);
  const list = async (...filter: string[]) =>
    new Set((await git.text(["for-each-ref", "--format=%(refname:short)", ...filter, `refs/heads/${BRANCH_PREFIX}/`])).split("\n").filter(Boolean));
  const all = await list();
  const unmerged = all.size ? await list(`--no-merged=refs/heads/${base}`) : new Set<string>();
  return { exists: (b) => all.has(b), ahead: (b) => unmerged.has(b) };
}
