import { describe, expect, it } from "vitest";
import { assemblyBranch, BranchNameError, formatBranchName, parseBranchName, planBranch, streamBranch } from "./branch-name.ts";

describe("branch names", () => {
  it.each([
    [streamBranch("launch", "research"), "ateams/launch/research"],
    [planBranch("launch"), "ateams/launch/plan"],
    [assemblyBranch("q3-report"), "ateams/q3-report/assembly"],
  ])("formats and parses %j", (branch, name) => {
    expect(formatBranchName(branch)).toBe(name);
    expect(parseBranchName(name)).toEqual(branch);
    expect(parseBranchName(`refs/heads/${name}`)).toEqual(branch);
  });

  it("ignores branches that are not ours", () => {
    for (const name of ["main", "feature/x", "ateams/launch", "ateams/launch/a/b", "other/launch/research", "ateams/Launch/x", "ateams//x"]) {
      expect(parseBranchName(name), name).toBeUndefined();
    }
  });

  it("refuses ids that would not survive as one ref component, and stream ids that collide", () => {
    expect(() => formatBranchName(streamBranch("launch", "a/b"))).toThrow(BranchNameError);
    expect(() => formatBranchName(streamBranch("Launch", "x"))).toThrow(BranchNameError);
    expect(() => formatBranchName(planBranch("x..y"))).toThrow(BranchNameError);
    expect(() => formatBranchName(streamBranch("launch", "plan"))).toThrow(/reserved/);
    expect(() => formatBranchName(streamBranch("launch", "assembly"))).toThrow(/reserved/);
  });
});
