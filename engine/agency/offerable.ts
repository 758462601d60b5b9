// Whether a tool the specs define is complete enough to offer a model, decided from the specs alone.
import type { Tool } from "./types.gen.ts";

/**
 * Whether a defined tool is complete enough to offer, from the specs alone (a web search needs an endpoint). Pure:
 * task fingerprints are taken from prompts listing these, the same on every machine.
 */
export function offerable(t: Tool): boolean {
  const config = (t.config ?? {}) as { endpoint?: unknown };
  return t.kind === "data-retriever" || t.kind === "code-interpreter" || (t.kind === "web-search" && typeof config.endpoint === "string");
}
