// The code interpreter end to end: in a real `ateams run`, a Specialist whose role lists it is offered run_javascript
// (and run_python where python3 exists), calls them, and reads back what the sandboxed programs printed; a program
// that tries the network or the engine's process gets nowhere.
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { probeIsolation } from "../../engine/tools/sandbox/isolation.ts";
import { REPO_ROOT } from "../support/agency-fixture.ts";
import { createFakeOpenAIServer, type FakeChatRequest, type FakeOpenAIServer } from "../support/fake-openai-server.ts";
import { tempRepoWithAgency, type TempRepo } from "../support/git-repo.ts";
import { runCli } from "../support/run-cli.ts";
import { scriptedTeam } from "../support/scripted-team.ts";

const isolation = probeIsolation();
let server: FakeOpenAIServer;
let repo: TempRepo;
beforeEach(async () => {
  repo = await tempRepoWithAgency(join(REPO_ROOT, "agency"));
});
afterEach(async () => {
  await server?.stop();
  await repo.cleanup();
});

const JS = `import net from "node:net";
const reach = await new Promise((done) => net.connect(443, "1.1.1.1").on("connect", () => done("connected")).on("error", (e) => done(e.code)));
let signal; try { process.kill(${process.pid}, 0); signal = "reachable" } catch (e) { signal = e.code }
console.log(6 * 7, reach, signal);`;

it.skipIf(!isolation.available)("a Specialist calls the sandboxed interpreters in a run and reads what they printed", async () => {
  const python = isolation.available && isolation.interpreters.has("python");
  const toolReplies: string[] = [];
  const offered: string[][] = [];
  const team = scriptedTeam({
    roles: ["analyst", "writer"], // the analyst lists code-interpreter
    before: (req: FakeChatRequest, kind) => {
      if (kind !== "specialist_work" || !req.tools?.length) return undefined;
      offered.push(req.tools.map((t) => t.function.name));
      const answered = req.messages.filter((m) => m.role === "tool").map((m) => String(m.content));
      if (answered.length) {
        toolReplies.push(...answered);
        return undefined; // the scripted Specialist's files
      }
      return {
        toolCalls: [
          { name: "run_javascript", arguments: { code: JS } },
          ...(python ? [{ name: "run_python", arguments: { code: "import os\nprint(sum(range(10)), os.getcwd())" } }] : []),
        ],
      };
    },
  });
  server = createFakeOpenAIServer({ handler: team.handler });
  await server.start();
  const r = await runCli(["run", "--project", "pricing-study"], { cwd: repo.root, env: { OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "x" } });
  expect(r.code, r.stdout + r.stderr).toBe(0);
  expect(offered[0]).toEqual(expect.arrayContaining(["run_javascript", ...(python ? ["run_python"] : [])]));
  expect(toolReplies).toContain("42 ENETUNREACH ESRCH\n");
  if (python) expect(toolReplies).toContain("45 /scratch\n");
});
