import { afterEach, beforeEach, describe, expect, it } from "vitest";
import nock from "nock";
import { githubHarness, type GitHubHarness } from "../../../test/support/github/harness.ts";
import { settle, tempAgency } from "../../../test/support/agency-fixture.ts";
import { runCli } from "../../../test/support/run-cli.ts";
import { main } from "../main.ts";

let fx: Awaited<ReturnType<typeof tempAgency>>;
let h: GitHubHarness;
beforeEach(async () => {
  fx = await tempAgency("mini");
  h = githubHarness({ owner: "acme", repo: "agency" });
  nock.enableNetConnect("127.0.0.1");
});
afterEach(async () => {
  h.finish();
  await fx.cleanup();
});

const ENV = { GITHUB_ACTIONS: "true", GITHUB_TOKEN: "ghs_job", GITHUB_REPOSITORY: "acme/agency" };

async function cont(...argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await main(["continue", ...argv], { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env: ENV, cwd: fx.root, isTTY: false, github: () => h.forge });
  return { code, stdout, stderr };
}

const waveNow = async () => (await runCli(["plan", "--wave"], { cwd: fx.root })).stdout.trim();

describe("ateams continue", () => {
  it("dispatches the next wave, numbered, when stream work can start that this wave did not have", async () => {
    const r = await cont("--wave", "[]", "--chain", "2");
    expect(r.code, r.stderr).toBe(0);
    expect(h.fake.dispatches).toEqual([{ eventType: "ateams-continue", payload: { chain: 3 } }]);
    expect(r.stdout).toMatch(/^dispatched ateams-continue \(chain 3 of at most 10\) for alpha\/facts, alpha\/competitors, alpha\/glossary\n$/);
  });

  it("sends nothing when what can start was this wave's already, at the bound, or when nothing can start", async () => {
    const same = await cont("--wave", await waveNow());
    expect(same.code).toBe(0);
    expect(same.stderr).toContain("::notice title=ateams: continuation::nothing new can start");
    const bound = await cont("--wave", "[]", "--chain", "3", "--max-chain", "3");
    expect(bound.code).toBe(0);
    expect(bound.stderr).toContain("::warning title=ateams: continuation::new work can start (alpha/facts, alpha/competitors, alpha/glossary), but 3 runs were already chained (--max-chain 3)");
    await settle(fx.agency);
    const done = await cont("--wave", "[]");
    expect(done).toMatchObject({ code: 0, stdout: "no stream has work it can start: the pipeline stops here\n" });
    expect(h.fake.dispatches).toEqual([]);
  });

  it("says so and exits 1 when GitHub refuses the dispatch; usage errors exit 2", async () => {
    h.mock.script("repos/create-dispatch-event", { status: 422, body: { message: "Validation Failed", documentation_url: "https://docs.github.com/rest" } });
    const refused = await cont("--wave", "[]");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("the next wave could not be dispatched");
    for (const argv of [[], ["--wave", "{"], ["--wave", "[1]"], ["--wave", "[]", "--chain", "-1"], ["--wave", "[]", "--max-chain", "x"]]) expect((await cont(...argv)).code, argv.join(" ")).toBe(2);
    const noToken = await runCli(["continue", "--wave", "[]"], { cwd: fx.root, env: { GITHUB_ACTIONS: "true" } });
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain("needs GITHUB_TOKEN and GITHUB_REPOSITORY");
    expect(h.fake.dispatches).toEqual([]);
  });
});
