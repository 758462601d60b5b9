// code-interpreter: runs JavaScript in a separate Node process under Node's permission model: it may read and write
// only its scratch directory (so not the checkout, its .git/config, or /proc where the engine's environment and
// keys are), start no processes or workers, and gets an empty environment, a time limit and a memory cap. The
// model reads what it printed.
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
          const child = spawn(
            process.execPath,
            ["--permission", `--allow-fs-read=${dir}`, `--allow-fs-write=${dir}`, "--max-old-space-size=128", "--input-type=module", "-e", code],
            { cwd: dir, env: { HOME: dir }, stdio: ["ignore", "pipe", "pipe"], detached: true },
          );
          let out = "";
          const take = (b: Buffer) => {
            if (out.length < MAX_OUTPUT) out += b.toString("utf8");
          };
          child.stdout.on("data", take);
          child.stderr.on("data", take);
          // The whole process group: nothing it may have started outlives the call.
          const timer = setTimeout(() => {
            try {
              process.kill(-child.pid!, "SIGKILL");
            } catch {
              child.kill("SIGKILL");
            }
          }, timeoutMs);
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
