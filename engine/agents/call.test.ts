import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { createFakeOpenAIServer, type FakeOpenAIServer } from "../../test/support/fake-openai-server.ts";
import { loadAgency } from "../agency/load-agency.ts";
import type { AgencyModel } from "../agency/model.ts";
import { Budget } from "../llm/budget.ts";
import { createModelRegistry } from "../llm/providers.ts";
import { callAgent, type AgentDeps } from "./call.ts";

let server: FakeOpenAIServer;
let cacheDir: string;
let model: AgencyModel;
beforeEach(async () => {
  const verdict = { verdict: "pass", checks: [{ criterion: "Done", met: true, evidence: "It is done." }], feedback: [], blocker: null };
  server = createFakeOpenAIServer({ handler: () => ({ json: verdict }) });
  await server.start();
  cacheDir = await mkdtemp(join(tmpdir(), "ateams-call-cache-"));
  const loaded = await loadAgency(join(import.meta.dirname, "..", "..", "agency"));
  if (!loaded.ok) throw new Error("the example agency does not load");
  model = loaded.model;
});
afterEach(async () => {
  await server.stop();
  await rm(cacheDir, { recursive: true, force: true });
});

it("charges a real call to the usage and the budget, and a reply served from the response cache to neither", async () => {
  const deps = (): AgentDeps => ({ models: createModelRegistry(model.spec, { env: { OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "k" }, cacheDir }), budget: new Budget(model.spec) });
  const project = [...model.projects.values()][0]!.spec;
  const ask = (d: AgentDeps) => callAgent(d, { project, agent: "collaborator", tier: "fast", system: "Check the work.", messages: [{ role: "user", content: "Is it done?" }], reply: "collaborator_verdict" });

  const paid = deps();
  const first = await ask(paid);
  expect(first.value.verdict).toBe("pass");
  // The fast tier is gpt-4o-mini at $0.15 / $0.60 per million tokens.
  const { inputTokens, outputTokens } = first.usage;
  expect(inputTokens).toBeGreaterThan(0);
  expect(first.usage).toEqual({ calls: 1, inputTokens, outputTokens, costUsd: (inputTokens * 0.15 + outputTokens * 0.6) / 1e6 });
  expect(paid.budget.run.costUsd).toBeCloseTo(first.usage.costUsd, 12);

  // A new run (new registry, same cache directory) asks the same: the reply comes from disk.
  const again = deps();
  const second = await ask(again);
  expect(server.chatRequests).toHaveLength(1);
  expect(second.value).toEqual(first.value);
  expect(second.usage).toEqual({ calls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 });
  expect(again.budget.run).toEqual({ inputTokens: 0, outputTokens: 0, costUsd: 0 });
});
