// The writer's own check (issue 10): whatever a caller hands it, a stream commit holds only the action's allowed
// paths. Real git on a temp repository: a refused write changes no ref, no object reachable, no working tree file.
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { FIXTURES } from "../../test/support/agency-fixture.ts";
import { tempRepoWithAgency, type TempRepo } from "../../test/support/git-repo.ts";
import { UnsafePathError } from "../forge/index.ts";
import { openWorkspace } from "./workspace.ts";

let repo: TempRepo;
beforeEach(async () => {
  repo = await tempRepoWithAgency(join(FIXTURES, "mini"));
});
afterEach(() => repo.cleanup());

const OUT = "agency/projects/alpha/outputs/research";
const allowed = { files: [`${OUT}/scan.md`, "agency/projects/alpha/log/research/researcher.md"] };

it.each([
  ["another file of the agency", "agency/agency.yaml"],
  ["a workflow", ".github/workflows/evil.yml"],
  ["another stream's output", "agency/projects/alpha/outputs/report/scan.md"],
  ["another project's plan", "agency/projects/beta/plan.yaml"],
  ["an undeclared file in its own folder", `${OUT}/extra.md`],
  ["a path with '..'", `${OUT}/../../../../agency.yaml`],
])("refuses %s, before git is touched", async (_what, path) => {
  const ws = await openWorkspace(repo.agency);
  const refs = repo.git("for-each-ref");
  await expect(ws.commitStream("alpha", "research", [{ path: `${OUT}/scan.md`, content: "# ok\n" }, { path, content: "pwned\n" }], "alpha/scan", {}, allowed)).rejects.toBeInstanceOf(UnsafePathError);
  expect(repo.git("for-each-ref")).toBe(refs);
  expect(repo.git("status", "--porcelain", "--untracked-files=all")).toBe("");
  await ws.close();
});

it("commits the allowed paths", async () => {
  const ws = await openWorkspace(repo.agency);
  const r = await ws.commitStream("alpha", "research", [{ path: `${OUT}/scan.md`, content: "# ok\n" }], "alpha/scan", {}, allowed);
  expect(r.changed).toBe(true);
  expect(repo.git("show", `${r.sha}:${OUT}/scan.md`)).toBe("# ok");
  await ws.close();
});
