import { describe, expect, it } from "vitest";
import { runTool, type ToolHandler } from "./run-tool.ts";
import type { ToolCall, ToolSpec } from "./types.ts";

const tools: ToolSpec[] = [
  {
    name: "add",
    description: "Adds two numbers",
    parameters: { type: "object", properties: { a: { type: "number" }, b: { type: "number" } }, required: ["a", "b"] },
  },
];
const add: ToolHandler = async (args) => {
  const { a, b } = args as { a: number; b: number };
  return String(a + b);
};
const call = (name: string, args: unknown): ToolCall => ({ id: "c1", name, arguments: typeof args === "string" ? args : JSON.stringify(args) });

describe("runTool", () => {
  it("runs the handler with the parsed, schema-valid arguments", async () => {
    expect(await runTool(call("add", { a: 2, b: 3 }), { tools, handlers: { add } })).toBe("5");
  });

  it("answers an unknown tool, bad JSON, schema-breaking args and a failing handler with errors the model can read", async () => {
    const failing: Record<string, ToolHandler> = {
      add: async () => {
        throw new Error("calculator offline");
      },
    };
    expect(await runTool(call("multiply", { a: 1 }), { tools, handlers: { add } })).toMatch(/no tool named 'multiply'. Available tools: add/);
    expect(await runTool(call("add", '{"a": 2,'), { tools, handlers: { add } })).toMatch(/arguments for 'add' are not valid JSON/);
    expect(await runTool(call("add", { a: "two", b: 3 }), { tools, handlers: { add } })).toMatch(/invalid arguments for 'add':\n- \/a must be number/);
    expect(await runTool(call("add", { a: 1, b: 1 }), { tools, handlers: failing })).toBe("Error: 'add' failed: calculator offline");
  });

  it("a name the tools do not offer is unknown even when a handler exists for it (and Object's own keys are no tools)", async () => {
    expect(await runTool(call("add", { a: 1, b: 1 }), { tools: [], handlers: { add } })).toMatch(/no tool named 'add'. Available tools: none/);
    expect(await runTool(call("toString", {}), { tools, handlers: { add } })).toMatch(/no tool named 'toString'/);
  });

  it("lets a cancelled handler's error through instead of answering the model", async () => {
    const ac = new AbortController();
    const slow: ToolHandler = async () => {
      ac.abort();
      throw new Error("aborted");
    };
    await expect(runTool(call("add", { a: 1, b: 1 }), { tools, handlers: { add: slow }, signal: ac.signal })).rejects.toThrow("aborted");
  });
});
