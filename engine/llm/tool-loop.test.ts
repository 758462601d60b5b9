import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFakeOpenAIServer, replySequence, type FakeOpenAIServer } from "../../test/support/fake-openai-server.ts";
import { ToolStepLimitError } from "./errors.ts";
import { createOpenAIModel } from "./openai-model.ts";
import { runToolLoop, type ToolHandler } from "./tool-loop.ts";
import type { ChatMessage, LanguageModel, ToolSpec } from "./types.ts";

const tools: ToolSpec[] = [
  {
    name: "add",
    description: "Adds two numbers",
    parameters: { type: "object", properties: { a: { type: "number" }, b: { type: "number" } }, required: ["a", "b"] },
  },
];
const messages: ChatMessage[] = [{ role: "user", content: "What is 2 + 3?" }];
const seen: unknown[] = [];
const handlers: Record<string, ToolHandler> = {
  add: async (args) => {
    seen.push(args);
    const { a, b } = args as { a: number; b: number };
    return String(a + b);
  },
};

let server: FakeOpenAIServer;
let model: LanguageModel;
beforeEach(async () => {
  seen.length = 0;
  server = createFakeOpenAIServer();
  model = createOpenAIModel({ model: "fake-small", baseURL: await server.start(), apiKey: "k", maxRetries: 0 });
});
afterEach(() => server.stop());

/** The tool messages the model was shown in request `i`. */
const toolReplies = (i: number) => server.chatRequests[i]!.messages.filter((m) => m.role === "tool");

describe.each([false, true])("runToolLoop (stream: %s)", (stream) => {
  it("runs requested tools, feeds results back and returns the final answer", async () => {
    const m = createOpenAIModel({ model: "fake-small", baseURL: server.url, apiKey: "k", stream });
    server.handler = replySequence({ toolCalls: [{ name: "add", arguments: { a: 2, b: 3 }, id: "c1" }] }, { content: "It is 5." });
    const r = await runToolLoop(m, { messages, tools, handlers, maxSteps: 4 });
    expect(r).toMatchObject({ content: "It is 5.", steps: 2 });
    expect(r.calls).toHaveLength(2);
    expect(seen).toEqual([{ a: 2, b: 3 }]);
    expect(server.chatRequests[1]!.messages).toEqual([
      ...messages,
      { role: "assistant", content: null, tool_calls: [{ id: "c1", type: "function", function: { name: "add", arguments: '{"a":2,"b":3}' } }] },
      { role: "tool", tool_call_id: "c1", content: "5" },
    ]);
    expect(r.messages.at(-1)).toEqual({ role: "assistant", content: "It is 5." });
  });
});

describe("runToolLoop recovery", () => {
  it("answers an unknown tool, bad JSON, schema-breaking args and a failing handler with errors the model can read", async () => {
    server.handler = replySequence(
      {
        toolCalls: [
          { name: "multiply", arguments: { a: 1 } },
          { name: "add", arguments: '{"a": 2,' },
          { name: "add", arguments: { a: "two", b: 3 } },
          { name: "add", arguments: { a: 1, b: 1 } },
        ],
      },
      { content: "Sorry, done." },
    );
    const failing: Record<string, ToolHandler> = {
      add: async () => {
        throw new Error("calculator offline");
      },
    };
    const r = await runToolLoop(model, { messages, tools, handlers: failing, maxSteps: 3 });
    expect(r.content).toBe("Sorry, done.");
    const replies = toolReplies(1).map((m) => String(m.content));
    expect(replies).toHaveLength(4);
    expect(replies[0]).toMatch(/no tool named 'multiply'. Available tools: add/);
    expect(replies[1]).toMatch(/arguments for 'add' are not valid JSON/);
    expect(replies[2]).toMatch(/invalid arguments for 'add':\n- \/a must be number/);
    expect(replies[3]).toBe("Error: 'add' failed: calculator offline");
  });

  it("throws ToolStepLimitError at the cap without running the last requested tools", async () => {
    server.handler = () => ({ toolCalls: [{ name: "add", arguments: { a: 1, b: 1 } }] });
    const err = await runToolLoop(model, { messages, tools, handlers, maxSteps: 3 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ToolStepLimitError);
    const e = err as ToolStepLimitError;
    expect(e.maxSteps).toBe(3);
    expect(e.calls).toHaveLength(3);
    expect(server.chatRequests).toHaveLength(3);
    expect(seen).toHaveLength(2); // the third request's call was not executed
    // Every tool call in the kept transcript has its answer, so it can be sent again as is.
    const asked = e.messages.flatMap((m) => (m.role === "assistant" ? (m.tool_calls ?? []).map((c) => c.id) : []));
    const answered = e.messages.flatMap((m) => (m.role === "tool" ? [m.tool_call_id] : []));
    expect(answered).toEqual(asked);
  });

  it("rejects a step cap below one", async () => {
    await expect(runToolLoop(model, { messages, tools, handlers, maxSteps: 0 })).rejects.toThrow(RangeError);
  });
});
