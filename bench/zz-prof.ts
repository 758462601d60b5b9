import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { runAgency } from "../engine/run/run-agency.ts";
import { gitIn } from "../test/support/git-repo.ts";
import { startModelServer } from "./model-server.ts";
import { criticalPath } from "./run-bench.ts";
import { chainTasks, dagTasks, writeRunBenchAgency } from "./synthetic-agency.ts";
const root = await mkdtemp(join(tmpdir(), "prof-"));
const dag = dagTasks();
const concurrency = 2 * criticalPath(dag).widest;
const instant = await startModelServer({ latencyMs: 0 });
for (let i = 0; i < 4; i++) {
  const repo = join(root, `r${i}`);
  gitIn(root, "init", "-q", "-b", "main", repo);
  await writeRunBenchAgency(join(repo, "agency"), { dag, chain: chainTasks(3) });
  gitIn(repo, "add", "-A"); gitIn(repo, "commit", "-qm", "x");
  const t0 = performance.now();
  const r = await runAgency({ agencyDir: join(repo, "agency"), projects: ["dag"], concurrency, env: { OPENAI_BASE_URL: instant.url, OPENAI_API_KEY: "bench" }, progress: { emit: () => undefined } });
  console.log(i, r.exitCode, ((performance.now() - t0) / dag.length).toFixed(1), "ms/task");
}
await instant.stop();
