import { describe, expect, it } from "vitest";
import agencySchema from "../../schemas/agency.schema.json" with { type: "json" };
import { UnsafePathError } from "./errors.ts";
import { assertAllowedPaths, assertSafeRepoPath, assertSafeRepoPaths, isInside, pathProblem, resolveInside } from "./safe-path.ts";

const SAFE = ["a.md", "agency/projects/p/outputs/s/report.md", ".github/workflows/ci.yml", "a/.gitignore", "x/..y/z", "dir/.git-notes", "a..b", "…/x", "é.md", "a b.md"];

const UNSAFE: [string, string][] = [
  ["", "empty"],
  ["/etc/passwd", "absolute"],
  ["C:/x", "absolute"],
  ["c:x", "absolute"],
  ["../x", "'..' component"],
  ["..", "'..' component"],
  ["a/../../x", "'..' component"],
  ["a/./b", "'.' component"],
  [".", "'.' component"],
  ["a//b", "empty component"],
  ["a/", "names a directory"],
  [".git/config", "'.git' component"],
  [".git", "'.git' component"],
  ["sub/.GIT/hooks/pre-commit", "'.git' component"],
  ["sub/.git./x", "'.git' component"],
  ["sub/.git /x", "'.git' component"],
  ["a\\..\\x", "backslash"],
  ["a\nb", "control character"],
  ["a\0b", "control character"],
  ["a\rb", "control character"],
  ["a\u007fb", "control character"],
  // The path of issue 10: the newline hid the `..` from the schema's pattern, and join() collapsed it.
  ["x\n/../../agency.yaml", "control character"],
  ["x\n/../../../../../agency.yaml", "control character"],
  ["x\n/../../../.github/workflows/evil.yml", "control character"],
];

describe("pathProblem / assertSafeRepoPath", () => {
  it.each(SAFE)("accepts %j", (p) => {
    expect(pathProblem(p)).toBeUndefined();
    expect(assertSafeRepoPath(p)).toBe(p);
  });

  it.each(UNSAFE)("refuses %j (%s)", (p, reason) => {
    expect(pathProblem(p)).toBe(reason);
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

describe("the schemas' relativePath pattern says what the gate says", () => {
  // ajv compiles patterns with the `u` flag and no anchors of its own: the pattern must anchor itself and must not
  // let a newline end a `.`-based lookahead early.
  const pattern = new RegExp(agencySchema.$defs.relativePath.pattern, "u");
  it.each(SAFE)("matches %j", (p) => expect(pattern.test(p)).toBe(true));
  it.each(UNSAFE.map(([p]) => p))("does not match %j", (p) => expect(pattern.test(p)).toBe(false));
  it("does not match a multi-line path whose first line is fine", () => {
    expect(pattern.test("ok.md\n../../agency.yaml")).toBe(false);
    expect(pattern.test("../x\nok.md")).toBe(false);
  });
});

describe("resolveInside / isInside", () => {
  it("resolves a plain path under the root", () => {
    expect(resolveInside("/repo", "agency/x.md")).toBe("/repo/agency/x.md");
  });
  it("compares by path, not by string prefix: a sibling folder named like the root is outside", () => {
    expect(isInside("/tmp/repo", "/tmp/repo-secret/key.txt")).toBe(false);
    expect(isInside("/tmp/repo", "/tmp/repo/key.txt")).toBe(true);
    expect(isInside("/tmp/repo", "/tmp/repo")).toBe(true);
    expect(isInside("/tmp/repo", "/tmp")).toBe(false);
    expect(() => resolveInside("/tmp/repo", "../repo-secret/key.txt")).toThrow(UnsafePathError);
  });
  it("checks the path before joining, so a newline-hidden '..' cannot be collapsed away", () => {
    expect(() => resolveInside("/repo/agency/projects/p/outputs/s", "x\n/../../../../../agency.yaml")).toThrow(UnsafePathError);
  });
});

describe("assertAllowedPaths", () => {
  const allowed = { files: ["agency/projects/p/log/s/writer.md"], folders: ["agency/projects/p/outputs/s"] };
  it("lets the action's own outputs and log through", () => {
    expect(() => assertAllowedPaths(["agency/projects/p/outputs/s/a.md", "agency/projects/p/outputs/s/d/b.md", "agency/projects/p/log/s/writer.md"], allowed)).not.toThrow();
  });
  it.each(["agency/agency.yaml", ".github/workflows/evil.yml", "agency/projects/p/outputs/s2/a.md", "agency/projects/p/outputs/s", "agency/projects/q/outputs/s/a.md", "agency/projects/p/log/s/other.md"])(
    "refuses %j",
    (p) => expect(() => assertAllowedPaths([p], allowed)).toThrow(UnsafePathError),
  );
});
