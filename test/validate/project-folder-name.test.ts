// A project folder whose name is not an id (`agency/projects/Launch`): every command that loads the agency reports
// what `validate` reports, located, and exits 1. It used to reach the git observer, which builds branch names from
// project ids, and end in exit 70 with a BranchNameError stack trace from plan, status and approve.
import { rename } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { REPO_ROOT, snapshot } from "../support/agency-fixture.ts";
import { tempRepoWithAgency, type TempRepo } from "../support/git-repo.ts";
import { runCli } from "../support/run-cli.ts";

let repo: TempRepo;
beforeEach(async () => {
  repo = await tempRepoWithAgency(join(REPO_ROOT, "agency"));
  await rename(join(repo.agency, "projects/launch-kit"), join(repo.agency, "projects/Launch"));
  repo.git("add", "-A");
  repo.git("commit", "-q", "-m", "rename the project folder");
});
afterEach(() => repo.cleanup());

describe("a project folder whose name is not an id", () => {
  it("validate, plan, status and approve all report it located and exit 1; nothing is written", async () => {
    const validate = await runCli(["validate"], { cwd: repo.root });
    expect(validate.code).toBe(1);
    const located = validate.stderr.split("\n").filter((l) => / error: /.test(l));
    expect(located).toContain("agency/projects/Launch/project.yaml:6:5: error: project id 'launch-kit' must match its directory name 'Launch'");
    const head = repo.git("rev-parse", "HEAD");
    const before = await snapshot(repo.root);
    for (const argv of [["plan"], ["plan", "--json"], ["status"], ["status", "--json"], ["approve", "Launch"], ["approve", "launch-kit"], ["approve", "launch-kit", "--stream", "research"]]) {
      const r = await runCli(argv, { cwd: repo.root });
      expect(r.code, `${argv.join(" ")}: ${r.stderr}`).toBe(1);
      expect(r.stderr.split("\n").filter((l) => / error: /.test(l)), argv.join(" ")).toEqual(located);
      expect(r.stderr).not.toMatch(/internal error|BranchNameError|^\s+at /m);
      expect(r.stdout).toBe("");
    }
    expect(repo.git("rev-parse", "HEAD")).toBe(head);
    expect(await snapshot(repo.root)).toEqual(before);
  });
});
