import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { watchAgency, type WatchPass } from "../../engine/cli/commands/watch.ts";
import { edit, FIXTURES } from "../support/agency-fixture.ts";
import { createFakeOpenAIServer, type FakeOpenAIServer } from "../support/fake-openai-server.ts";
import { tempRepoWithAgency, type TempRepo } from "../support/git-repo.ts";
import { scriptedTeam } from "../support/scripted-team.ts";

let server: FakeOpenAIServer | undefined;
let repo: TempRepo | undefined;
const controller = { current: new AbortController() };
let done: Promise<void> | undefined;
afterEach(async () => {
  controller.current.abort();
  await done;
  await server?.stop();
  await repo?.cleanup();
});

describe("ateams watch --apply, end to end", () => {
  it("runs at start, is not woken by its own commits, and reruns only what a role edit touches", async () => {
    repo = await tempRepoWithAgency(join(FIXTURES, "mini"));
    const team = scriptedTeam({ roles: ["researcher", "writer"] });
    server = createFakeOpenAIServer({ handler: team.handler });
    await server.start();
    let stderr = "";
    const passes: WatchPass[] = [];
    const waitFor = async (n: number) => {
      for (let waited = 0; passes.length < n; waited += 25) {
        if (waited > 20_000) throw new Error(`pass ${n} did not happen (saw ${passes.length}); stderr:\n${stderr}`);
        await sleep(25);
      }
      return passes[n - 1]!;
    };
    controller.current = new AbortController();
    done = watchAgency({
      agencyDir: repo.agency,
      io: { stdout: () => undefined, stderr: (t) => void (stderr += t), env: { OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "test-key" }, cwd: repo.root, isTTY: false },
      apply: true,
      debounceMs: 100,
      projects: ["beta"],
      signal: controller.current.signal,
      onPass: (p) => void passes.push(p),
    });

    const first = await waitFor(1);
    expect(first.error, stderr).toBeNull();
    expect(first.run).toMatchObject({ exitCode: 0, projects: [{ id: "beta", stage: "done" }] });
    const scans = () => team.log.calls.filter((c) => c.kind === "specialist_work" && c.task === "scan").length;
    expect(scans()).toBe(1);
    // plan.yaml, status.yaml and merged outputs were written by the run itself: no second pass.
    await sleep(1500);
    expect(passes).toHaveLength(1);
    expect(repo.git("status", "--porcelain")).toBe("");

    await edit(join(repo.agency, "roles", "researcher.yaml"), "Finds and checks facts.", "Finds, checks and dates facts.");
    const second = await waitFor(2);
    expect(second.changed).toEqual(["roles/researcher.yaml"]);
    expect(second.plan!.projects[0]!.actions.filter((a) => a.kind === "run-task").map((a) => a.task)).toEqual(["scan", "compare", "write-up"]);
    expect(second.run).toMatchObject({ exitCode: 0, projects: [{ id: "beta", stage: "done" }] });
    expect(scans()).toBe(2);
  });
});
