// Test-only: the real webhook payloads GitHub documents, as collected in @octokit/webhooks-examples.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

export interface WebhookExample {
  name: string;
  action: string | null;
  payload: Record<string, unknown>;
}

interface Definition {
  name: string;
  examples: Record<string, unknown>[];
}

let cached: WebhookExample[] | undefined;

export function webhookExamples(): WebhookExample[] {
  if (!cached) {
    const file = createRequire(import.meta.url).resolve("@octokit/webhooks-examples/api.github.com/index.json");
    const definitions = JSON.parse(readFileSync(file, "utf8")) as Definition[];
    cached = definitions.flatMap((d) => d.examples.map((payload) => ({ name: d.name, action: typeof payload.action === "string" ? payload.action : null, payload })));
  }
  return cached;
}

/** A deep copy of the examples of one event (and action), to derive variants from. */
export function examplesOf(name: string, action?: string): Record<string, unknown>[] {
  const found = webhookExamples().filter((e) => e.name === name && (action === undefined || e.action === action));
  if (!found.length) throw new Error(`@octokit/webhooks-examples has no ${name}${action ? `.${action}` : ""} example`);
  return found.map((e) => structuredClone(e.payload));
}
