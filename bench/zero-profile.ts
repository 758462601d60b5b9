// Temporary: one 0 ms run, for a CPU profile.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { runAgency } from "../engine/run/run-agency.ts";
import { gitProcessesStarted } from "../engine/forge/index.ts";
import { gitIn } from "../test/support/git-repo.ts";
import { startModelServer } from "./model-server.ts";
import { chainTasks, dagTasks, writeRunBenchAgency } from "./synthetic-agency.ts";
const root = await mkdtemp(join(tmpdir(), "prof-"));
const server = await startModelServer({ latencyMs: 0 });
for (const i of [0, 1]) {
  const dir = join(root, `r${i}`);
  gitIn(root, "init", "-q", "-b", "main", dir);
  await writeRunBenchAgency(join(dir, "agency"), { dag: dagTasks(), chain: chainTasks(3) });
  gitIn(dir, "add", "-A");
  gitIn(dir, "commit", "-q", "-m", "bench agency");
  const g0 = gitProcessesStarted();
  const t0 = performance.now();
  const r = await runAgency({ agencyDir: join(dir, "agency"), projects: ["dag"], concurrency: 10, env: { OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "bench" }, progress: { emit: () => undefined } });
  console.log(`run ${i}: ${(performance.now() - t0).toFixed(0)} ms, exit ${r.exitCode}, ${gitProcessesStarted() - g0} git processes`);
}
await server.stop();
