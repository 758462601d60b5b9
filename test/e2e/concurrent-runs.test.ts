// Two `ateams run` processes on one repository (issue 10: 65–68 calls instead of 38, duplicate task commits, a lost
// plan approval). One run holds .git/ateams.lock; a second either exits at once naming the owner, or waits for it
// and then finds nothing left to do: the model is called exactly as often as by one run.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, expect, it } from "vitest";
import { REPO_ROOT } from "../support/agency-fixture.ts";
import { createFakeOpenAIServer, type FakeOpenAIServer } from "../support/fake-openai-server.ts";
import { taskCommits } from "../support/git-health.ts";
import { tempRepoWithAgency, type TempRepo } from "../support/git-repo.ts";
import { scriptedTeam } from "../support/scripted-team.ts";

let repo: TempRepo;
let server: FakeOpenAIServer;
beforeEach(async () => {
  repo = await tempRepoWithAgency(join(REPO_ROOT, "agency"));
  // Slow enough that the first run is still working when the others start.
  server = createFakeOpenAIServer({ handler: scriptedTeam().handler, latencyMs: 400 });
  await server.start();
});
afterEach(async () => {
  await server.stop();
  await repo.cleanup();
});

interface Proc {
  pid: number;
  done: Promise<{ code: number | null; stdout: string; stderr: string }>;
  finished: () => boolean;
}

/** `ateams run` as its own process, the way two terminals or two cron jobs would start it. */
function spawnRun(...args: string[]): Proc {
  const child = spawn(process.execPath, [join(REPO_ROOT, "engine", "cli", "bin.ts"), "run", "--project", "pricing-study", ...args], {
    cwd: repo.root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "concurrent-test-key" },
  });
  let stdout = "";
  let stderr = "";
  let over = false;
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on("close", (code) => {
      over = true;
      resolve({ code, stdout, stderr });
    }),
  );
  return { pid: child.pid!, done, finished: () => over };
}

const lockFile = () => join(repo.root, ".git", "ateams.lock");

it("two runs on one repository: the second exits naming the owner, or waits; the model is called as often as by one run", async () => {
  const first = spawnRun("--lock-wait", "0");
  for (let i = 0; !existsSync(lockFile()); i++) {
    if (i > 400 || first.finished()) throw new Error(`the first run never took the lock: ${JSON.stringify(await first.done)}`);
    await sleep(25);
  }

  const refused = spawnRun("--lock-wait", "0");
  const waiting = spawnRun("--lock-wait", "120");
  const r2 = await refused.done;
  expect(first.finished(), "the first run ended before the second was refused: the test proves nothing").toBe(false);
  expect(r2.code).toBe(1);
  expect(r2.stderr).toContain(`pid ${first.pid}`);
  expect(r2.stderr).toContain(lockFile());
  expect(r2.stdout).not.toMatch(/model call/);

  const [r1, r3] = await Promise.all([first.done, waiting.done]);
  expect(r1.code, r1.stderr).toBe(0);
  expect(r3.code, r3.stderr).toBe(0);
  const callsOf = (out: string) => Number(/run: \d+ actions?, (\d+) model calls?/.exec(out)?.[1]);
  expect(callsOf(r1.stdout)).toBeGreaterThan(0);
  // The waiting run found the work done: no call, and the server saw exactly one run's calls.
  expect(callsOf(r3.stdout)).toBe(0);
  expect(server.chatRequests.length).toBe(callsOf(r1.stdout));
  // One commit per task, and no lock left behind.
  const tasks = taskCommits(repo.root).map((c) => c.task);
  expect(tasks.length).toBe(new Set(tasks).size);
  expect(existsSync(lockFile())).toBe(false);
}, 120_000);
