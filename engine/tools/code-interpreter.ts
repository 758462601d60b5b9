// code-interpreter: runs JavaScript (and Python where python3 exists) in a closed sandbox (sandbox/): no network, no
// host files, no host processes, no environment, and caps on time, memory, disk and output. The model reads what the
// program printed. Where the sandbox cannot be closed the tool is not offered at all (registry.ts).
import { DEFAULT_LIMITS, type SandboxLimits } from "./sandbox/sandbox-command.ts";
import type { Isolation, Language } from "./sandbox/isolation.ts";
import { runSandboxed, type SandboxRun } from "./sandbox/run-sandboxed.ts";
import type { CodeInterpreterConfig } from "../agency/types.gen.ts";
import type { AgentTool } from "./types.ts";

export type { CodeInterpreterConfig };

export function limitsOf(config: CodeInterpreterConfig = {}): SandboxLimits {
  return {
    ...DEFAULT_LIMITS,
    ...(config.timeoutSeconds !== undefined ? { timeoutMs: Math.round(config.timeoutSeconds * 1000) } : {}),
    ...(config.memoryMb !== undefined ? { memoryMb: config.memoryMb } : {}),
    ...(config.diskMb !== undefined ? { diskMb: config.diskMb } : {}),
  };
}

const DESCRIPTIONS: Record<Language, { name: string; description: string }> = {
  javascript: {
    name: "run_javascript",
    description: "Run a JavaScript (ES module) program in a sandboxed Node.js process without network access and get what it printed. Use it to compute, check numbers, or test code samples.",
  },
  python: {
    name: "run_python",
    description: "Run a Python 3 program in a sandbox without network access and get what it printed. Use it to compute, check numbers, or test code samples.",
  },
};

/** One tool per language the sandbox can run here; none when it cannot be closed. */
export function codeInterpreterTools(isolation: Isolation, config: CodeInterpreterConfig = {}): AgentTool[] {
  if (!isolation.available) return [];
  const limits = limitsOf(config);
  return [...isolation.interpreters.values()].map((interpreter) => ({
    spec: {
      ...DESCRIPTIONS[interpreter.language],
      parameters: { type: "object", additionalProperties: false, required: ["code"], properties: { code: { type: "string", minLength: 1 } } },
    },
    async handler(args) {
      return describeRun(await runSandboxed(interpreter, (args as { code: string }).code, limits), limits);
    },
  }));
}

/** What the model reads: the output, then why it ended if not by itself. */
export function describeRun(run: SandboxRun, limits: SandboxLimits): string {
  const notes: string[] = [];
  if (run.truncated) notes.push(`[output cut at ${limits.outputChars} characters]`);
  if (run.stopped === "time") notes.push(`[stopped after ${limits.timeoutMs} ms]`);
  else if (run.stopped === "output") notes.push("[stopped: it printed too much]");
  else if (run.signal) notes.push(`[killed by ${run.signal}]`);
  else if (run.exitCode) notes.push(`[exit code ${run.exitCode}]`);
  let text = run.output;
  for (const note of notes) text += `${text && !text.endsWith("\n") ? "\n" : ""}${note}\n`;
  return text || "(no output)";
}
