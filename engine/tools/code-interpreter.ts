// code-interpreter: runs JavaScript in a separate Node process with a time limit, a memory cap, a scratch directory
// and no secrets in its environment; the model reads what it printed.
import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AgentTool } from "./types.ts";

const MAX_OUTPUT = 8_000;

export function codeInterpreterTool(opts: { timeoutMs?: number } = {}): AgentTool {
  const timeoutMs = opts.timeoutMs ?? 10_000;
  return {
    spec: {
      name: "run_javascript",
      description: "Run a JavaScript (ES module) program in a sandboxed Node.js process and get what it printed. Use it to compute, check numbers, or test code samples.",
      parameters: { type: "object", additionalProperties: false, required: ["code"], properties: { code: { type: "string", minLength: 1 } } },
    },
    async handler(args) {
      const code = (args as { code: string }).code;
      const dir = await mkdtemp(join(tmpdir(), "ateams-code-"));
      try {
        return await new Promise<string>((done) => {
          const child = spawn(process.execPath, ["--max-old-space-size=128", "--input-type=module", "-e", code], {
            cwd: dir,
            env: { PATH: process.env.PATH ?? "", HOME: dir },
            stdio: ["ignore", "pipe", "pipe"],
          });
          let out = "";
          const take = (b: Buffer) => {
            if (out.length < MAX_OUTPUT) out += b.toString("utf8");
          };
          child.stdout.on("data", take);
          child.stderr.on("data", take);
          const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
          child.on("close", (exit, signal) => {
            clearTimeout(timer);
            const text = out.length > MAX_OUTPUT ? `${out.slice(0, MAX_OUTPUT)}\n[output cut]` : out;
            if (signal === "SIGKILL") done(`${text}\n[stopped after ${timeoutMs} ms]`);
            else done(`${text}${exit ? `\n[exit code ${exit}]` : ""}` || "(no output)");
          });
        });
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}
