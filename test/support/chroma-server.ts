// A real Chroma server for tests, started with the npm `chromadb` package's own CLI (`chroma run`) on a free port and
// a temporary data directory, stopped (and its data removed) by stop().
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export interface ChromaServer {
  url: string;
  stop(): Promise<void>;
}

/** The package's CLI run by this Node (not through .bin or npx, whose wrappers a signal would orphan the server behind). */
const CLI = resolve(__dirname, "../../node_modules/chromadb/dist/cli.mjs");

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once("error", fail);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => ok(port));
    });
  });
}

export async function startChroma(timeoutMs = 30_000): Promise<ChromaServer> {
  const dir = await mkdtemp(join(tmpdir(), "ateams-chroma-"));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let output = "";
  const child: ChildProcess = spawn(process.execPath, [CLI, "run", "--path", join(dir, "data"), "--port", String(port), "--host", "127.0.0.1"], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ANONYMIZED_TELEMETRY: "False" } });
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((ok) => child.once("exit", () => ok()));
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill("SIGTERM");
      const killed = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await exited;
      clearTimeout(killed);
    }
    await rm(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      if ((await fetch(`${url}/api/v2/heartbeat`)).ok) return { url, stop };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new Error(`chroma run did not answer on ${url} within ${timeoutMs} ms:\n${output.slice(-2000)}`);
}
