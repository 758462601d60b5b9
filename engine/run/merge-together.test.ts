// Streams whose checks are out together land in one merge: a stream checked first waits for the others still being
// checked, instead of merging alone and leaving the rest for a second merge of the working branch.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { dagTasks, writeRunBenchAgency } from "../../bench/synthetic-agency.ts";
import { createFakeOpenAIServer, type FakeChatRequest, type FakeOpenAIServer } from "../../test/support/fake-openai-server.ts";
import { gitIn } from "../../test/support/git-repo.ts";
import { scriptedTeam, taskIdOf } from "../../test/support/scripted-team.ts";
import { runAgency } from "./run-agency.ts";

let server: FakeOpenAIServer | undefined;
let root: string | undefined;
afterEach(async () => {
  await server?.stop();
  if (root) await rm(root, { recursive: true, force: true });
});

const streamCheck = (r: FakeChatRequest) => r.response_format?.json_schema?.name === "collaborator_verdict" && taskIdOf(r) === undefined;

it("merges streams checked together in one merge, even when one check answers well before the others", async () => {
  root = await mkdtemp(join(tmpdir(), "ateams-merge-together-"));
  gitIn(root, "init", "-q", "-b", "main");
  await writeRunBenchAgency(join(root, "agency"), { dag: dagTasks() });
  gitIn(root, "add", "-A");
  gitIn(root, "commit", "-q", "-m", "agency");
  const team = scriptedTeam({ inputSensitive: true });
  // lane-0's check answers at once, every other lane's 300 ms later.
  server = createFakeOpenAIServer({ handler: team.handler, latencyMs: (r) => (streamCheck(r) && !JSON.stringify(r.messages).includes("lane-0") ? 300 : 0) });
  await server.start();
  const report = await runAgency({ agencyDir: join(root, "agency"), projects: ["dag"], concurrency: 10, env: { OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "k" }, progress: { emit: () => undefined } });
  expect(report.exitCode, report.failures.join("\n")).toBe(0);
  const merges = gitIn(root, "reflog", "--format=%gs", "main").split("\n").filter((l) => l.startsWith("ateams: merge"));
  expect(merges).toEqual([`ateams: merge ${[0, 1, 2, 3, 4].map((i) => `ateams/dag/lane-${i}`).join(", ")} into main`]);
});
