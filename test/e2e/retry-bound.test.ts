// A failed action is retried by later runs with fresh calls (its rejected replies are not replayed from the response
// cache), after a backoff, and Stalled at the bound: then runs make no call and no commit until a person retries it.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { runAgency } from "../../engine/run/run-agency.ts";
import type { Status } from "../../engine/agency/types.gen.ts";
import { RETRY_POLICY } from "../../engine/status/retry.ts";
import { REPO_ROOT } from "../support/agency-fixture.ts";
import { runCli } from "../support/run-cli.ts";
import { createFakeOpenAIServer, type FakeOpenAIServer } from "../support/fake-openai-server.ts";
import { tempRepoWithAgency, type TempRepo } from "../support/git-repo.ts";
import { schemaOnlyModel } from "../support/schema-only-model.ts";

let server: FakeOpenAIServer;
let repo: TempRepo;
beforeEach(async () => {
  repo = await tempRepoWithAgency(join(REPO_ROOT, "agency"));
});
afterEach(async () => {
  await server?.stop();
  await repo.cleanup();
});

const T0 = Date.parse("2026-12-01T10:00:00Z");
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString().replace(/\.\d{3}Z$/, "Z");
const statusFile = () => join(repo.agency, "projects", "pricing-study", "status.yaml");
const status = async () => parse(await readFile(statusFile(), "utf8")) as Status;
const commits = () => Number(repo.git("rev-list", "--all", "--count"));

describe("a failed action under an hourly schedule", () => {
  it("is retried with fresh calls after its backoff, Stalled at the bound, and runs again once a person retries it", async () => {
    // The PM always proposes two options with the same id: schema-valid, rejected by the check, every time.
    const good = schemaOnlyModel("minimal");
    let hopeless = true;
    server = createFakeOpenAIServer({
      handler: (req) => {
        const reply = good.handler(req);
        if (hopeless && req.response_format?.json_schema?.name === "pm_options" && "json" in reply) {
          const v = reply.json as { options: { id: string }[] };
          v.options.forEach((o) => (o.id = "option-1"));
        }
        return reply;
      },
    });
    await server.start();
    const env = { OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "x" };
    const run = async (minutes: number) => {
      const calls = server.chatRequests.length;
      const before = commits();
      const r = await runAgency({ agencyDir: repo.agency, projects: ["pricing-study"], env, progress: { emit: () => undefined }, now: () => at(minutes) });
      return { ...r, calls: server.chatRequests.length - calls, commits: commits() - before };
    };

    const first = await run(0);
    expect(first.exitCode).toBe(1);
    expect(first.failures.join("\n")).toMatch(/InvalidReply: .*option id "option-1" is used by options\[0\], options\[1\]/);
    expect(first.failures.join("\n")).not.toMatch(/InternalError/);
    expect(first.calls).toBe(2); // the reply and its one repair turn (the PM's tier is the top of the ladder)
    expect((await status()).actions?.["propose-plan"]).toMatchObject({ failures: 1, reason: "InvalidReply", retryAfter: at(5) });

    // Within the backoff: nothing to do, no call, no commit.
    const waiting = await run(1);
    expect(waiting).toMatchObject({ calls: 0, commits: 0, usage: { calls: 0 } });
    expect(waiting.projects[0]!.summary).toMatch(/propose-plan failed .*retried after 2026-12-01T10:05:00Z/);

    // After it: the same question again, asked afresh (the rejected replies are not in the cache any more).
    const second = await run(6);
    expect(second.calls).toBe(2);
    expect(second.usage.calls).toBe(2);
    expect((await status()).actions?.["propose-plan"]).toMatchObject({ failures: 2, retryAfter: at(6 + 20) });

    const third = await run(60);
    expect(third.calls).toBe(2);
    const stalled = await status();
    expect(stalled.actions?.["propose-plan"]?.failures).toBe(RETRY_POLICY.maxAttempts);
    expect(stalled.conditions?.find((c) => c.type === "Stalled")).toMatchObject({ status: "True", reason: "RetriesExhausted" });

    // Stalled: hour after hour, no call and no commit.
    for (const hour of [2, 3, 24]) {
      const idle = await run(hour * 60);
      expect(idle).toMatchObject({ calls: 0, commits: 0, actions: 0 });
      expect(idle.projects[0]).toMatchObject({ stage: "blocked" });
      expect(idle.projects[0]!.summary).toMatch(/propose-plan stalled after 3 failed attempts .*ateams retry pricing-study/);
    }

    // A person retries it (what `ateams retry` and /retry do) and the model behaves: the project completes.
    const retried = await runCli(["retry", "pricing-study"], { cwd: repo.root });
    expect(retried.code, retried.stderr).toBe(0);
    expect((await status()).retryRequestedAt).toBeDefined();
    hopeless = false;
    const after = await run(25 * 60);
    expect(after.failures).toEqual([]);
    expect(after.projects[0]!.stage).toBe("done");
    const done = await status();
    expect(done.actions).toBeUndefined();
    expect(done.conditions?.find((c) => c.type === "Stalled")).toBeUndefined();
    expect(done.conditions?.find((c) => c.type === "Ready")).toMatchObject({ status: "True", reason: "Assembled" });
  }, 120_000);
});

describe("a task that failed with valid replies", () => {
  it("is retried with fresh calls, not the cached replies that made it fail, and passes once the model does", async () => {
    // Every Collaborator verdict asks for a revision: each reply is valid, so each stays in the response cache, and
    // the task fails when its revisions run out.
    const good = schemaOnlyModel("minimal");
    let rejecting = true;
    server = createFakeOpenAIServer({
      handler: (req) => {
        const reply = good.handler(req);
        if (req.response_format?.json_schema?.name === "collaborator_verdict" && "json" in reply) {
          const v = reply.json as { verdict: string; feedback: string[]; blocker: string | null; checks: { met: boolean }[] };
          if (rejecting) Object.assign(v, { verdict: "revise", feedback: ["Name the sources of every price."], blocker: null, checks: v.checks.map((c) => ({ ...c, met: false })) });
          else Object.assign(v, { verdict: "pass", feedback: [], blocker: null, checks: v.checks.map((c) => ({ ...c, met: true })) });
        }
        return reply;
      },
    });
    await server.start();
    const env = { OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "x" };
    const run = async (minutes: number) => {
      const calls = server.chatRequests.length;
      const r = await runAgency({ agencyDir: repo.agency, projects: ["pricing-study"], env, progress: { emit: () => undefined }, now: () => at(minutes) });
      return { ...r, calls: server.chatRequests.length - calls };
    };

    const first = await run(0);
    expect(first.exitCode).toBe(1);
    const failed = Object.entries((await status()).tasks ?? {}).filter(([, t]) => t.failures);
    expect(failed.length).toBeGreaterThan(0);
    for (const [id, t] of failed) expect(t.conditions?.find((c) => c.type === "Failed")?.reason, id).toBe("RevisionsExhausted");

    // The model now accepts. After the backoff the failed tasks ask again: were their earlier replies replayed from
    // the cache, every verdict would still say "revise" and they would fail a second time with no call made.
    rejecting = false;
    const retry = await run(6);

    expect(retry.calls).toBeGreaterThan(0);
    for (const [id] of failed) expect((await status()).tasks?.[id]?.failures, id).toBeUndefined();
    const last = await run(30);
    expect(last.failures).toEqual([]);
    expect(last.projects[0]!.stage).toBe("done");

    // Rerun with nothing changed: all of it is done, nothing is asked again.
    expect((await run(90)).calls).toBe(0);
  }, 180_000);
});

describe("an endpoint that is down", () => {
  it("stops the run with one line naming the URL and a non-zero exit, and commits nothing", async () => {
    // A port that was just listening and is closed now: connection refused, on every retry.
    server = createFakeOpenAIServer();
    const url = await server.start();
    await server.stop();
    const before = commits();
    const r = await runCli(["run", "--project", "pricing-study"], { cwd: repo.root, env: { OPENAI_BASE_URL: url, OPENAI_API_KEY: "x" } });
    expect(r.code).toBe(1);
    expect(r.stdout.split("\n").filter((l) => l.includes(url))).toEqual([expect.stringMatching(new RegExp(`model server ${url.replace(/[.]/g, "\\.")} unavailable: .*nothing was recorded`))]);
    expect(r.stdout).not.toMatch(/propose-plan.*failed|InternalError/);
    expect(commits()).toBe(before);
    expect(repo.git("status", "--porcelain")).toBe("");
  }, 60_000);
});
