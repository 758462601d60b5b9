import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFakeOpenAIServer, replySequence, type FakeOpenAIServer } from "../../test/support/fake-openai-server.ts";
import { StructuredOutputError } from "./errors.ts";
import { createOpenAIModel } from "./openai-model.ts";
import { completeStructured } from "./structured.ts";
import type { ChatMessage, LanguageModel } from "./types.ts";

interface Verdict {
  accepted: boolean;
  feedback: string;
}
const schema = {
  type: "object",
  properties: { accepted: { type: "boolean" }, feedback: { type: "string", minLength: 1 } },
  required: ["accepted", "feedback"],
  additionalProperties: false,
};
const messages: ChatMessage[] = [
  { role: "system", content: "You review drafts against their criteria." },
  { role: "user", content: "Review: 'Hello world'" },
];
const good = { accepted: true, feedback: "Meets the brief." };

let server: FakeOpenAIServer;
let small: LanguageModel;
let large: LanguageModel;
beforeEach(async () => {
  server = createFakeOpenAIServer();
  const url = await server.start();
  small = createOpenAIModel({ model: "fake-small", baseURL: url, apiKey: "k", maxRetries: 0 });
  large = createOpenAIModel({ model: "fake-large", baseURL: url, apiKey: "k", maxRetries: 0 });
});
afterEach(() => server.stop());

const ask = (models: LanguageModel[], repairAttempts?: number) =>
  completeStructured<Verdict>(models, { messages, name: "verdict", schema }, repairAttempts === undefined ? {} : { repairAttempts });

describe("completeStructured", () => {
  it("sends a strict json_schema response format and returns the validated value", async () => {
    server.handler = () => ({ json: good });
    const r = await ask([small, large]);
    expect(r.value).toEqual(good);
    expect(r).toMatchObject({ attempts: 1, escalations: 0, model: small });
    expect(r.calls).toEqual([r.result]);
    expect(server.chatRequests[0]!.response_format).toEqual({
      type: "json_schema",
      json_schema: { name: "verdict", schema, strict: true },
    });
    expect(server.chatRequests[0]!.messages).toEqual(messages);
  });

  it("repairs a schema-breaking reply by showing the model its reply and the errors", async () => {
    const broken = { accepted: "yes", feedback: "", extra: 1 };
    server.handler = replySequence({ fault: "schema-break", json: broken }, { json: good });
    const r = await ask([small, large]);
    expect(r.value).toEqual(good);
    expect(r).toMatchObject({ attempts: 2, escalations: 0, model: small });
    const repair = server.chatRequests[1]!.messages;
    expect(repair.slice(0, 2)).toEqual(messages);
    expect(repair[2]).toEqual({ role: "assistant", content: JSON.stringify(broken) });
    expect(repair[3]!.role).toBe("user");
    const text = String(repair[3]!.content);
    expect(text).toContain("/accepted must be boolean");
    expect(text).toContain("/feedback must NOT have fewer than 1 characters");
    expect(text).toContain("additional property 'extra'");
  });

  it("escalates to the next model after the repair budget is spent, starting it from the original messages", async () => {
    server.handler = (req) => (req.model === "fake-small" ? { fault: "invalid-json" } : { json: good });
    const r = await ask([small, large], 1);
    expect(r.value).toEqual(good);
    expect(r).toMatchObject({ attempts: 3, escalations: 1, model: large });
    expect(server.chatRequests.map((q) => q.model)).toEqual(["fake-small", "fake-small", "fake-large"]);
    expect(server.chatRequests[2]!.messages).toEqual(messages);
  });

  it("never accepts a truncated reply, and asks for a shorter one", async () => {
    // The cut-off half parses as JSON ("1234"); the repair asks for a shorter reply rather than a corrected one,
    // which shows it was rejected for the truncation itself.
    server.handler = replySequence({ fault: "truncated", content: "12345678" }, { json: good });
    const r = await ask([small]);
    expect(r.value).toEqual(good);
    expect(r.calls[0]).toMatchObject({ content: "1234", finishReason: "length" });
    expect(String(server.chatRequests[1]!.messages.at(-1)!.content)).toMatch(/cut off.*\n.*more concisely/s);
  });

  it("throws StructuredOutputError with the last errors and every call once the ladder is exhausted", async () => {
    server.handler = () => ({ fault: "schema-break", json: { accepted: true } });
    const err = await ask([small, large], 2).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StructuredOutputError);
    const e = err as StructuredOutputError;
    expect(e.attempts).toBe(6);
    expect(e.calls).toHaveLength(6);
    expect(e.errors).toEqual(["(root) must have required property 'feedback'"]);
    expect(e.lastContent).toBe('{"accepted":true}');
    expect(e.isRetryable).toBe(false);
  });

  it("checks the caller's rules on a schema-valid reply, quoting every one broken in a single repair turn", async () => {
    server.handler = replySequence({ json: { accepted: false, feedback: "dup" } }, { json: good });
    const check = (v: unknown) => {
      const f = (v as Verdict).feedback;
      return f === "dup" ? [`feedback '${f}' repeats an earlier one`, "a rejected draft needs at least two points"] : [];
    };
    const r = await completeStructured<Verdict>([small, large], { messages, name: "verdict", schema, check });
    expect(r.value).toEqual(good);
    expect(r).toMatchObject({ attempts: 2, repairs: 1, escalations: 0 });
    const text = String(server.chatRequests[1]!.messages.at(-1)!.content);
    expect(text).toContain("- feedback 'dup' repeats an earlier one\n- a rejected draft needs at least two points");
  });

  it("names every rule still broken when the ladder is exhausted, and forgets each rejected reply", async () => {
    server.handler = () => ({ json: { accepted: false, feedback: "dup" } });
    const forgotten: unknown[] = [];
    const remembering = (m: LanguageModel): LanguageModel => ({ provider: m.provider, modelId: m.modelId, complete: (q) => m.complete(q), forget: async (q) => void forgotten.push(q.messages.length) });
    const check = () => ["rule one is broken", "rule two is broken"];
    const err = (await completeStructured([remembering(small), remembering(large)], { messages, name: "verdict", schema, check }).catch((e: unknown) => e)) as StructuredOutputError;
    expect(err).toBeInstanceOf(StructuredOutputError);
    expect(err.errors).toEqual(["rule one is broken", "rule two is broken"]);
    expect(err.attempts).toBe(4);
    // Both replies of each rung were rejected: the first (2 messages) and the repair (4 messages), on each model.
    expect(forgotten).toEqual([2, 4, 2, 4]);
  });

  it("accepts JSON wrapped in a markdown fence, as local models often send it", async () => {
    server.handler = () => ({ content: "```json\n" + JSON.stringify(good) + "\n```" });
    expect((await ask([small])).value).toEqual(good);
  });
});

describe("structured replies with tools", () => {
  it("runs the tools the model calls, then takes its answer in the format; tool rounds are capped", async () => {
    const { createFakeOpenAIServer, replySequence } = await import("../../test/support/fake-openai-server.ts");
    const { createOpenAIModel } = await import("./openai-model.ts");
    const server = createFakeOpenAIServer({
      handler: replySequence(
        { toolCalls: [{ name: "add", arguments: { a: 2, b: 3 } }] },
        { toolCalls: [{ name: "add", arguments: { a: 1, b: 1 } }] },
        { json: { sum: 5 } },
      ),
    });
    await server.start();
    try {
      const model = createOpenAIModel({ model: "m", baseURL: server.url, apiKey: "k", maxRetries: 0 });
      const seen: unknown[] = [];
      const out = await completeStructured<{ sum: number }>([model], {
        messages: [{ role: "user", content: "add 2 and 3" }],
        name: "sum",
        schema: { type: "object", additionalProperties: false, required: ["sum"], properties: { sum: { type: "number" } } },
        tools: {
          specs: [{ name: "add", description: "adds", parameters: { type: "object", required: ["a", "b"], properties: { a: { type: "number" }, b: { type: "number" } } } }],
          handlers: { add: async (args) => (seen.push(args), String((args as { a: number }).a + (args as { b: number }).b)) },
          maxSteps: 1,
        },
      });
      expect(out.value).toEqual({ sum: 5 });
      expect(seen).toEqual([{ a: 2, b: 3 }]);
      const reqs = server.chatRequests;
      expect(reqs[0]!.tools?.[0]?.function.name).toBe("add");
      // After the one allowed round the tools are withdrawn, so the model has to answer.
      expect(reqs[1]!.tools).toBeUndefined();
      expect(reqs[1]!.messages.at(-1)).toMatchObject({ role: "tool", content: "5" });
    } finally {
      await server.stop();
    }
  });
});
