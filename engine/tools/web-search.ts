// web-search: queries a search service that answers JSON the way SearXNG does (`GET <endpoint>?q=…&format=json`,
// `results: [{title, url, content}]`). Configured per agency (tools[].config.endpoint); without one it is not offered.
import type { AgentTool } from "./types.ts";

export function webSearchTool(endpoint: string, fetchImpl: typeof fetch = fetch): AgentTool {
  return {
    spec: {
      name: "web_search",
      description: "Search the web; returns titles, links and snippets of the top results.",
      parameters: { type: "object", additionalProperties: false, required: ["query"], properties: { query: { type: "string", minLength: 2 } } },
    },
    async handler(args) {
      const url = new URL(endpoint);
      url.searchParams.set("q", (args as { query: string }).query);
      url.searchParams.set("format", "json");
      const res = await fetchImpl(url, { signal: AbortSignal.timeout(15_000) });
      if (!res.ok) return `Error: the search service answered ${res.status}.`;
      const body = (await res.json()) as { results?: { title?: string; url?: string; content?: string }[] };
      const results = (body.results ?? []).slice(0, 8);
      return results.length ? results.map((r, i) => `${i + 1}. ${r.title ?? "(untitled)"} — ${r.url ?? ""}\n   ${(r.content ?? "").slice(0, 300)}`).join("\n") : "No results.";
    },
  };
}
