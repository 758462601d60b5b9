// Before we rewrite part of the checked-out tree (a merge, a branch move, a reset after a rebase), find the user's
// changes it would have to overwrite, so we can refuse by name instead of clobbering them or relaying git's
// localised complaint.
import type { GitRunner } from "./git-runner.ts";

export const splitZ = (text: string): string[] => [...new Set(text.split("\0").filter(Boolean))];

// Keeps each command line far below ARG_MAX however many paths a merge touches.
const ARGS_BYTES = 100_000;

export interface LocalChange {
  path: string;
  /** Staged side: "." unchanged, "?" untracked, "U" unmerged, else git's letter (M, A, D, T). */
  staged: string;
  /** Working-tree side: "." unchanged, "?" untracked, else git's letter. */
  worktree: string;
  /** The index entry of a tracked, merged path. */
  index: { mode: string; blob: string } | undefined;
}

/**
 * What the user changed at `paths` (or anything below them), as git lists it (a path whose removal is staged while
 * its file is still there comes twice: once tracked, once untracked): staged changes, unstaged edits or deletions, unmerged
 * entries, untracked files (ignored files are not counted: git overwrites those too). One `git status
 * --porcelain=v2` (more only for thousands of paths), read-only: GIT_OPTIONAL_LOCKS=0 keeps it from refreshing the
 * index, which would take index.lock under the user's feet.
 */
export async function localChanges(git: GitRunner, paths: readonly string[]): Promise<LocalChange[]> {
  const found: LocalChange[] = [];
  for (let i = 0; i < paths.length; ) {
    const part: string[] = [];
    for (let bytes = 0; i < paths.length && (part.length === 0 || bytes + paths[i]!.length < ARGS_BYTES); i++) {
      part.push(paths[i]!);
      bytes += paths[i]!.length + 8;
    }
    const r = await git.run(["status", "--porcelain=v2", "-z", "--untracked-files=all", "--no-renames", "--", ...part], {
      env: { GIT_OPTIONAL_LOCKS: "0" },
    });
    for (const record of r.stdout.split("\0")) {
      const change = parseStatusRecord(record);
      if (change) found.push(change);
    }
  }
  return found;
}

// "1 XY sub mH mI mW hH hI path", "u XY sub m1 m2 m3 mW h1 h2 h3 path", "? path" (--no-renames: no "2" records).
function parseStatusRecord(record: string): LocalChange | undefined {
  const fields = (n: number) => {
    const parts = record.split(" ");
    return { parts, path: parts.slice(n).join(" ") };
  };
  switch (record[0]) {
    case "1": {
      const { parts, path } = fields(8);
      return { path, staged: parts[1]![0]!, worktree: parts[1]![1]!, index: { mode: parts[4]!, blob: parts[7]! } };
    }
    case "u": {
      const { path } = fields(10);
      return { path, staged: "U", worktree: "U", index: undefined };
    }
    case "?":
      return { path: record.slice(2), staged: "?", worktree: "?", index: undefined };
    default:
      return undefined;
  }
}

/**
 * Paths with local edits (staged or not) or untracked files among those that differ between `from` (HEAD) and
 * `to`.
 */
export async function changesInTheWay(git: GitRunner, from: string, to: string): Promise<string[]> {
  const touched = splitZ((await git.run(["diff-tree", "-r", "--name-only", "-z", from, to])).stdout);
  if (!touched.length) return [];
  const staged = splitZ((await git.run(["diff-index", "--cached", "--name-only", "-z", from, "--", ...touched])).stdout);
  const edited = splitZ((await git.run(["diff-files", "--name-only", "-z", "--", ...touched])).stdout);
  const untracked = splitZ((await git.run(["ls-files", "--others", "--exclude-standard", "-z", "--", ...touched])).stdout);
  return [...new Set([...staged, ...edited, ...untracked])].sort();
}
