import { describe, expect, it } from "vitest";
import { UnsafePathError } from "./errors.ts";
import { assertSafeRepoPath, assertSafeRepoPaths } from "./safe-path.ts";

describe("assertSafeRepoPath", () => {
  it.each(["a.md", "agency/projects/p/outputs/s/report.md", ".github/workflows/ci.yml", "a/.gitignore", "x/..y/z", "dir/.git-notes"])(
    "accepts %s",
    (p) => expect(assertSafeRepoPath(p)).toBe(p),
  );

  it.each([
    ["", "empty"],
    ["/etc/passwd", "absolute"],
    ["C:/x", "absolute"],
    ["../x", "'..' component"],
    ["a/../../x", "'..' component"],
    ["a/./b", "'.' component"],
    ["a//b", "empty component"],
    ["a/", "names a directory"],
    [".git/config", "'.git' component"],
    ["sub/.GIT/hooks/pre-commit", "'.git' component"],
    ["sub/.git./x", "'.git' component"],
    ["a\\..\\x", "backslash"],
    ["a\nb", "control character"],
    ["a\0b", "control character"],
  ])("refuses %j (%s)", (p, reason) => {
    try {
      assertSafeRepoPath(p);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(UnsafePathError);
      expect((e as UnsafePathError).reason).toBe(reason);
    }
  });

  it("refuses the same path twice in one batch", () => {
    expect(() => assertSafeRepoPaths(["a", "b", "a"])).toThrow(UnsafePathError);
  });
});
