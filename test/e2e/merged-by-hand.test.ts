import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { parse } from "yaml";
import { REPO_ROOT } from "../support/agency-fixture.ts";
import { createFakeOpenAIServer, type FakeOpenAIServer } from "../support/fake-openai-server.ts";
import { tempRepoWithAgency, type TempRepo } from "../support/git-repo.ts";
import { runCli } from "../support/run-cli.ts";
import { scriptedTeam } from "../support/scripted-team.ts";

let server: FakeOpenAIServer;
let repo: TempRepo;
beforeEach(async () => {
  repo = await tempRepoWithAgency(join(REPO_ROOT, "agency"));
});
afterEach(async () => {
  await server?.stop();
  await repo.cleanup();
});

it("review-streams: streams wait for a person; merging a stream branch by hand accepts it, and the run goes on to assembly", async () => {
  const projectFile = join(repo.agency, "projects", "pricing-study", "project.yaml");
  await writeFile(projectFile, (await readFile(projectFile, "utf8")).replace("oversight: autonomous", "oversight: review-streams"));
  repo.git("commit", "-qam", "review every stream");
  const team = scriptedTeam();
  server = createFakeOpenAIServer({ handler: team.handler });
  await server.start();
  const env = { OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "k" };
  await runCli(["approve", "pricing-study"], { cwd: repo.root, env }).catch(() => undefined);
  const first = await runCli(["run", "--project", "pricing-study"], { cwd: repo.root, env });
  // The plan needed approval first (review-streams includes approve-plan).
  expect(first.stdout).toContain("stage: awaiting-approval");
  expect((await runCli(["approve", "pricing-study"], { cwd: repo.root, env })).code).toBe(0);
  const second = await runCli(["run", "--project", "pricing-study"], { cwd: repo.root, env });
  expect(second.code, second.stderr).toBe(0);
  expect(second.stdout).toContain("stage: in-review");
  const status = () => readFile(join(repo.agency, "projects", "pricing-study", "status.yaml"), "utf8").then((t) => parse(t));
  expect((await status()).streams.research.accepted).toBeUndefined();

  repo.git("merge", "-q", "--no-ff", "-m", "merge research by hand", "ateams/pricing-study/research");
  repo.git("merge", "-q", "--no-ff", "-m", "merge report by hand", "ateams/pricing-study/report");
  const calls = server.chatRequests.length;
  const third = await runCli(["run", "--project", "pricing-study"], { cwd: repo.root, env });
  expect(third.code, third.stderr).toBe(0);
  expect(third.stderr).toContain("merged by a person: accepted");
  expect(third.stdout).toContain("stage: done");
  const s = await status();
  expect(s.streams.research.accepted.by).toBe("merged");
  expect(team.log.calls.slice(0).filter((c) => c.kind === "pm_assembly")).toHaveLength(1);
  expect(team.log.calls.slice(-2).map((c) => c.kind)).toEqual(["pm_assembly", "learning_review"]);
  expect(server.chatRequests.length - calls).toBe(2); // the assembly, and the L&P Manager's review of it
});
