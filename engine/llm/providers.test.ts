// The per-call timeout and retries come from agency.yaml (models.timeoutSeconds, models.maxRetries, a tier's own
// timeoutSeconds), so a silent server holds a run only as long as the agency says.
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterEach, beforeEach, expect, it } from "vitest";
import { LlmTimeoutError } from "./index.ts";
import type { Agency } from "../agency/types.gen.ts";
import { createModelRegistry, timing } from "./providers.ts";

let server: Server;
let url: string;
let requests = 0;
const sockets = new Set<Socket>();
beforeEach(async () => {
  requests = 0;
  server = createServer(() => void requests++); // accepts every call and never answers
  server.on("connection", (s) => sockets.add(s));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterEach(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => server.close(r));
});

const agency = (models: Partial<Agency["models"]>, tier: Partial<Agency["models"]["tiers"][number]> = {}): Agency => ({
  name: "a",
  directors: [{ id: "d", github: "d" }],
  models: {
    tiers: [{ id: "fast", model: "m", price: { inputPerMTok: 1, outputPerMTok: 1 }, ...tier }],
    routing: { criteria: [{ id: "c", weight: 1 }], thresholds: [{ tier: "fast", minScore: 0 }] },
    ...models,
  },
});

it("a silent server is given up on after models.timeoutSeconds per attempt, models.maxRetries times over", async () => {
  const registry = createModelRegistry(agency({ timeoutSeconds: 0.3, maxRetries: 1 }), { env: { OPENAI_BASE_URL: url } });
  const t0 = Date.now();
  const err = await registry.model("fast").complete({ messages: [{ role: "user", content: "hi" }] }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(LlmTimeoutError);
  expect((err as LlmTimeoutError).timeoutMs).toBe(300);
  expect(requests).toBe(2);
  expect(Date.now() - t0).toBeLessThan(5_000);
});

it("a tier's own timeoutSeconds wins; the defaults are 120 s and 3 retries", () => {
  expect(timing(agency({ timeoutSeconds: 30 }, { timeoutSeconds: 600 }), agency({}).models.tiers[0]!)).toEqual({ timeoutMs: 30_000, maxRetries: 3 });
  const a = agency({ timeoutSeconds: 30, maxRetries: 0 }, { timeoutSeconds: 600 });
  expect(timing(a, a.models.tiers[0]!)).toEqual({ timeoutMs: 600_000, maxRetries: 0 });
  const d = agency({});
  expect(timing(d, d.models.tiers[0]!)).toEqual({ timeoutMs: 120_000, maxRetries: 3 });
});
