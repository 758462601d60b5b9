// The one gate for every path a model or a spec names: task outputs, `files[].path`, resources, role files, memory,
// and every path the writer commits. Paths come from model output (and from files a model may have written), so they
// are hostile until checked: a file must land inside its allowed folder and never in git's own metadata.
//
// The check runs on the path as given, before anything joins or normalises it: `join("out", "x\n/../../a")` is
// `a`, which would pass any check made after the join. Pure functions, no file system (symlinks are the reader's
// and the writer's business: sync-worktree refuses them, readInside resolves them).
import { isAbsolute, posix, relative, resolve, sep } from "node:path";
import { UnsafePathError } from "./errors.ts";

/** Why `path` is not a plain repo-relative file path, or undefined when it is one. */
export function pathProblem(path: string): string | undefined {
  if (typeof path !== "string" || path.length === 0) return "empty";
  // Control characters (NUL, newline) break git's line-oriented plumbing and are never a sane file name; a newline
  // also hides a `..` from a line-bound pattern.
  if (/[\u0000-\u001f\u007f]/.test(path)) return "control character";
  // A backslash is a separator on Windows, so `a\..\..\x` would escape on a Windows checkout.
  if (path.includes("\\")) return "backslash";
  if (path.startsWith("/") || /^[A-Za-z]:/.test(path)) return "absolute";
  if (path.endsWith("/")) return "names a directory";
  for (const part of path.split("/")) {
    if (part === "") return "empty component";
    if (part === "." || part === "..") return `'${part}' component`;
    // git compares `.git` case-insensitively on case-insensitive filesystems, and ignores trailing dots/spaces on NTFS.
    if (/^\.git[. ]*$/i.test(part)) return "'.git' component";
  }
  // And after normalising: whatever the rules above missed, a path that normalises to something else is not plain.
  const normal = posix.normalize(path);
  if (normal !== path || normal === ".." || normal.startsWith("../")) return "not in normal form";
  return undefined;
}

/** Returns the path unchanged when it is a plain repo-relative file path; throws UnsafePathError otherwise. */
export function assertSafeRepoPath(path: string): string {
  const problem = pathProblem(path);
  if (problem) throw new UnsafePathError(path, problem);
  return path;
}

/** Validates a batch and refuses the same path twice, which would make the commit's content depend on order. */
export function assertSafeRepoPaths(paths: readonly string[]): void {
  const seen = new Set<string>();
  for (const p of paths) {
    assertSafeRepoPath(p);
    if (seen.has(p)) throw new UnsafePathError(p, "listed twice");
    seen.add(p);
  }
}

/** Whether `abs` is `root` itself or lies under it, compared by path components (never by string prefix). */
export function isInside(root: string, abs: string): boolean {
  const rel = relative(resolve(root), resolve(abs));
  return rel === "" || (!isAbsolute(rel) && rel !== ".." && !rel.startsWith(`..${sep}`));
}

/**
 * The absolute path of `path` under `root`: the relative path is checked as given (pathProblem), then the joined
 * result must still lie strictly inside `root`. Throws UnsafePathError.
 */
export function resolveInside(root: string, path: string): string {
  assertSafeRepoPath(path);
  const abs = resolve(root, path);
  if (abs === resolve(root) || !isInside(root, abs)) throw new UnsafePathError(path, `outside ${root}`);
  return abs;
}

/** Repo-relative `path` joined under repo-relative folder `dir`, both checked; the result is repo-relative. */
export function joinInside(dir: string, path: string): string {
  assertSafeRepoPath(dir);
  assertSafeRepoPath(path);
  return `${dir}/${path}`;
}

/**
 * What one write may touch: exact files and whole folders (repo-relative). The writer refuses anything else, so a
 * path that got past every earlier check still cannot leave the action's own outputs.
 */
export interface AllowedPaths {
  files?: readonly string[];
  folders?: readonly string[];
}

export function assertAllowedPaths(paths: readonly string[], allowed: AllowedPaths): void {
  const files = new Set(allowed.files ?? []);
  const folders = (allowed.folders ?? []).map((f) => assertSafeRepoPath(f));
  for (const p of paths) {
    assertSafeRepoPath(p);
    if (files.has(p) || folders.some((f) => p.startsWith(`${f}/`))) continue;
    throw new UnsafePathError(p, `not among the paths this action may write (${[...files, ...folders.map((f) => `${f}/…`)].join(", ") || "none"})`);
  }
}
