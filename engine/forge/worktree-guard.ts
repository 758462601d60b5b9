// Before git rewrites the checked-out tree (a merge, a reset after a rebase), find the user's changes it would have
// to overwrite, so we can refuse by name instead of relaying git's localised complaint.
import type { GitRunner } from "./git-runner.ts";

export const splitZ = (text: string): string[] => [...new Set(text.split("\0").filter(Boolean))];

/**
 * Paths with local edits (staged or not) or untracked files among those that differ between `from` (HEAD) and
 * `to`; with `anyStaged`, every staged path counts, because `git merge` refuses to start over any of them.
 */
export async function changesInTheWay(git: GitRunner, from: string, to: string, options: { anyStaged?: boolean } = {}): Promise<string[]> {
  const touched = splitZ((await git.run(["diff-tree", "-r", "--name-only", "-z", from, to])).stdout);
  const staged = options.anyStaged
    ? splitZ((await git.run(["diff-index", "--cached", "--name-only", "-z", from])).stdout)
    : touched.length
      ? splitZ((await git.run(["diff-index", "--cached", "--name-only", "-z", from, "--", ...touched])).stdout)
      : [];
  if (!touched.length) return staged.sort();
  const edited = splitZ((await git.run(["diff-files", "--name-only", "-z", "--", ...touched])).stdout);
  const untracked = splitZ((await git.run(["ls-files", "--others", "--exclude-standard", "-z", "--", ...touched])).stdout);
  return [...new Set([...staged, ...edited, ...untracked])].sort();
}
