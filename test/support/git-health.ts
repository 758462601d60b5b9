// What "no commit is lost" means, checked with the real git binary: reachable commits, object-store integrity, and
// which task commits (by their Ateams-* trailers) exist on any branch.
import { spawnSync } from "node:child_process";
import { TRAILER_KEYS } from "../../engine/agency/commit-trailers.ts";

function git(root: string, args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync("git", args, { cwd: root, encoding: "utf8" });
  if (r.error) throw r.error;
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Every commit reachable from any ref (branches, HEAD, tags). */
export function reachableCommits(root: string): Set<string> {
  const r = git(root, ["rev-list", "--all"]);
  if (r.code !== 0) throw new Error(`git rev-list --all failed: ${r.stderr}`);
  return new Set(r.stdout.split("\n").filter(Boolean));
}

/** `git fsck --strict`: exit code and everything it said (dangling objects are not corruption, so not reported). */
export function fsck(root: string): { code: number; output: string } {
  const r = git(root, ["fsck", "--strict", "--no-dangling", "--no-progress"]);
  return { code: r.code, output: (r.stdout + r.stderr).trim() };
}

/** Repo-relative paths of the files under `dir` (default: all) at a commit: what `git ls-tree -r` lists. */
export function listFiles(root: string, ref: string, dir?: string): string[] {
  const r = git(root, ["ls-tree", "-r", "-z", "--name-only", "--full-tree", ref, ...(dir ? ["--", dir] : [])]);
  if (r.code !== 0) throw new Error(`git ls-tree ${ref} failed: ${r.stderr}`);
  return r.stdout.split("\0").filter(Boolean);
}

export interface TaskCommit {
  sha: string;
  task: string;
  fingerprint: string;
}

/** Task commits (Ateams-Kind: task) on every ref, oldest first. */
export function taskCommits(root: string): TaskCommit[] {
  const key = (k: string) => `%(trailers:key=${k},valueonly,separator=%x2c)`;
  const format = `%H%x1f${key(TRAILER_KEYS.kind)}%x1f${key(TRAILER_KEYS.task)}%x1f${key(TRAILER_KEYS.fingerprint)}%x1e`;
  const r = git(root, ["log", "--all", "--reverse", `--format=${format}`]);
  if (r.code !== 0) throw new Error(`git log failed: ${r.stderr}`);
  return r.stdout
    .split("\x1e")
    .map((rec) => rec.trim().split("\x1f"))
    .filter((f) => f.length === 4 && f[1]!.trim() === "task")
    .map(([sha, , task, fingerprint]) => ({ sha: sha!, task: task!.trim(), fingerprint: fingerprint!.trim() }));
}

/** Commits in `before` that are no longer reachable in `after`. */
export function lostCommits(before: Set<string>, after: Set<string>): string[] {
  return [...before].filter((sha) => !after.has(sha));
}
