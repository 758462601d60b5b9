// One reconcile job of the ateams workflow as its own OS process: `runGitHub` for one project in a clone, against a
// fake GitHub of its own (nock lives in this process; every request and reply is still checked against GitHub's REST
// description) and the fake OpenAI server of the test that started it. Used by push-race.test.ts to race two jobs'
// pushes to one bare remote. Prints one JSON line: the run's outcome and the log.
// Usage: node reconcile-job.ts <clone-dir> <project> <openai-base-url> <start-at-epoch-ms>
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import nock from "nock";
import { parseEvent } from "../../engine/github/index.ts";
import { githubHarness } from "../support/github/harness.ts";
import { examplesOf } from "../support/github/webhook-examples.ts";
import { runGitHub } from "../../engine/github-mode/run-github.ts";

const [dir, project, openaiUrl, startAt] = process.argv.slice(2);
if (!dir || !project || !openaiUrl || !startAt) throw new Error("usage: reconcile-job.ts <clone-dir> <project> <openai-base-url> <start-at-epoch-ms>");

const h = githubHarness({ owner: "octocat", repo: "hooklet" });
h.fake.setPermission("octocat", "admin");
nock.enableNetConnect("127.0.0.1");
const lines: string[] = [];
// Both jobs begin at the same instant, doing the same amount of work, so their pushes of main collide.
await sleep(Math.max(0, Number(startAt) - Date.now()));
const report = await runGitHub({
  agencyDir: join(dir, "agency"),
  projects: [project],
  env: { OPENAI_BASE_URL: openaiUrl, OPENAI_API_KEY: "test-key" },
  progress: { emit: (e) => lines.push(`${e.kind} ${e.project}${e.action ? ` ${e.action}` : ""}: ${e.text}`) },
  github: { token: "ghs_test_token", owner: h.fake.owner, repo: h.fake.repo, apiUrl: "https://api.github.com", serverUrl: "https://github.com" },
  forge: h.forge,
  event: parseEvent("workflow_dispatch", examplesOf("workflow_dispatch")[0]),
});
h.finish();
process.stdout.write(
  `${JSON.stringify({
    exitCode: report.exitCode,
    failures: report.failures,
    stage: report.projects.find((p) => p.id === project)?.stage,
    pushed: report.pushed,
    prs: [...h.fake.pulls.values()].map((p) => p.head.ref).sort(),
    lines,
  })}\n`,
);
