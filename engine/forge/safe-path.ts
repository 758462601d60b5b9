// Paths come from model output, so they are hostile until checked: a file an agent "writes" must land inside the
// repository's tree and never in git's own metadata.
import { UnsafePathError } from "./errors.ts";

/** Returns the path unchanged when it is a plain repo-relative file path; throws UnsafePathError otherwise. */
export function assertSafeRepoPath(path: string): string {
  const refuse = (reason: string): never => {
    throw new UnsafePathError(path, reason);
  };
  if (typeof path !== "string" || path.length === 0) refuse("empty");
  // Control characters (NUL, newline) break git's line-oriented plumbing and are never a sane file name.
  if (/[\u0000-\u001f\u007f]/.test(path)) refuse("control character");
  // A backslash is a separator on Windows, so `a\..\..\x` would escape on a Windows checkout.
  if (path.includes("\\")) refuse("backslash");
  if (path.startsWith("/") || /^[A-Za-z]:/.test(path)) refuse("absolute");
  if (path.endsWith("/")) refuse("names a directory");
  for (const part of path.split("/")) {
    if (part === "") refuse("empty component");
    if (part === "." || part === "..") refuse(`'${part}' component`);
    // git compares `.git` case-insensitively on case-insensitive filesystems, and ignores trailing dots/spaces on NTFS.
    if (/^\.git[. ]*$/i.test(part)) refuse("'.git' component");
  }
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
