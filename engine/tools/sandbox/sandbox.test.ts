// Escape attempts against the code interpreter's sandbox, each a real program in a real sandbox: the network (HTTP
// to a server this test starts, raw TCP, UDP, listening), signals to the engine and to a bystander, 1 GiB of memory
// and of disk, the host's files, an orphan after the engine is killed with SIGKILL, and the same for Python.
import { spawn, type ChildProcess } from "node:child_process";
import { createSocket } from "node:dgram";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createServer as createHttpServer } from "node:http";
import { connect, createServer as createTcpServer, type AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codeInterpreterTools, limitsOf } from "../code-interpreter.ts";
import { probeIsolation, type Isolation, type Language } from "./isolation.ts";
import { runSandboxed } from "./run-sandboxed.ts";

const isolation: Isolation = probeIsolation();
const call = { id: "c1", name: "x", arguments: "{}" };

function tool(language: Language, config = {}) {
  const t = codeInterpreterTools(isolation, config).find((x) => x.spec.name === (language === "python" ? "run_python" : "run_javascript"));
  if (!t) throw new Error(`no ${language} tool: ${JSON.stringify(isolation.available ? [...isolation.missing] : isolation.reason)}`);
  return (code: string) => t.handler({ code }, call) as Promise<string>;
}

describe("where the sandbox cannot be closed", () => {
  it("the probe says why, and no code tool is offered", () => {
    const refused = probeIsolation({ env: { PATH: "/nonexistent" } });
    expect(refused).toEqual({ available: false, reason: process.platform === "linux" ? "util-linux's setpriv and unshare were not found" : expect.any(String) });
    expect(codeInterpreterTools(refused)).toEqual([]);
  });
});

describe.skipIf(!isolation.available)("the sandbox", () => {
  const js = tool("javascript");
  const hasPython = isolation.available && isolation.interpreters.has("python");

  // A host the sandbox must not reach: an HTTP server, a raw TCP server and a UDP socket on 127.0.0.1.
  let http: ReturnType<typeof createHttpServer>;
  let tcp: ReturnType<typeof createTcpServer>;
  let udp: ReturnType<typeof createSocket>;
  let reached = 0;
  let bystander: ChildProcess;
  const port = { http: 0, tcp: 0, udp: 0 };
  beforeAll(async () => {
    http = createHttpServer((_, res) => {
      reached++;
      res.end("reached");
    });
    tcp = createTcpServer((s) => {
      reached++;
      s.destroy();
    });
    udp = createSocket("udp4").on("message", () => reached++);
    await Promise.all([
      new Promise<void>((r) => http.listen(0, "127.0.0.1", r)),
      new Promise<void>((r) => tcp.listen(0, "127.0.0.1", r)),
      new Promise<void>((r) => udp.bind(0, "127.0.0.1", r)),
    ]);
    port.http = (http.address() as AddressInfo).port;
    port.tcp = (tcp.address() as AddressInfo).port;
    port.udp = udp.address().port;
    bystander = spawn("sleep", ["60"], { stdio: "ignore" });
  });
  afterAll(() => {
    http.close();
    tcp.close();
    udp.close();
    bystander.kill("SIGKILL");
  });

  it("runs JavaScript and returns what it printed, without the engine's environment", async () => {
    process.env.OPENAI_API_KEY_TEST_SECRET = "sk-do-not-leak";
    expect(await js("console.log(6 * 7)")).toBe("42\n");
    expect(await js("console.log(String(process.env.OPENAI_API_KEY_TEST_SECRET))")).toBe("undefined\n");
    expect(await js("throw new Error('boom')")).toMatch(/boom[\s\S]*\[exit code 1\]/);
  });

  it("JavaScript reaches no network: no HTTP, TCP or UDP to the host or beyond", async () => {
    const out = await js(`
      import net from "node:net"; import dgram from "node:dgram";
      const r = {};
      try { await fetch("http://127.0.0.1:${port.http}/", { signal: AbortSignal.timeout(2000) }); r.http = "reached" } catch (e) { r.http = e.cause?.code ?? e.name }
      r.tcp = await new Promise((done) => net.connect(${port.tcp}, "127.0.0.1").on("connect", () => done("reached")).on("error", (e) => done(e.code)));
      r.udp = await new Promise((done) => { const s = dgram.createSocket("udp4"); s.send("x", ${port.udp}, "127.0.0.1", (e) => { done(e ? e.code : "sent"); s.close(); }) });
      r.out = await new Promise((done) => { const s = dgram.createSocket("udp4"); s.send("x", 53, "192.0.2.1", (e) => { done(e ? e.code : "sent"); s.close(); }) });
      console.log(JSON.stringify(r));`);
    expect(JSON.parse(out)).toEqual({ http: "ENETUNREACH", tcp: "ENETUNREACH", udp: "ENETUNREACH", out: "ENETUNREACH" });
    expect(reached).toBe(0);
  });

  it("a server it starts on every address cannot be reached from the host", async () => {
    const free = await new Promise<number>((r) => {
      const s = createTcpServer().listen(0, "127.0.0.1", () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => r(p));
      });
    });
    let finished = false;
    const running = js(`import net from "node:net"; net.createServer((s) => { console.log("CONNECTED"); s.end() }).listen(${free}, () => console.log("listening")); setTimeout(() => process.exit(0), 3000);`).finally(() => (finished = true));
    // Knock all the while it runs: some attempts fall in the time it listens.
    const answers = new Set<string>();
    let attempts = 0;
    while (!finished) {
      attempts++;
      answers.add(await new Promise<string>((done) => connect(free, "127.0.0.1").on("connect", () => done("connected")).on("error", (e: NodeJS.ErrnoException) => done(e.code ?? "error"))));
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(attempts).toBeGreaterThan(5);
    expect([...answers]).toEqual(["ECONNREFUSED"]);
    expect(await running).toBe("listening\n");
  });

  it("cannot signal the engine or a bystander process, nor see them", async () => {
    const out = await js(`
      const r = {};
      for (const [name, pid] of [["engine", ${process.pid}], ["bystander", ${bystander.pid}]]) {
        try { process.kill(pid, "SIGKILL"); r[name] = "killed" } catch (e) { r[name] = e.code }
      }
      r.ppid = process.ppid;
      console.log(JSON.stringify(r));`);
    expect(JSON.parse(out)).toEqual({ engine: "ESRCH", bystander: "ESRCH", ppid: 0 });
    expect(bystander.exitCode).toBe(null);
    expect(() => process.kill(bystander.pid!, 0)).not.toThrow();
  });

  it("sees none of the host's files: not the checkout, nor the engine's environment", async () => {
    const here = fileURLToPath(import.meta.url);
    const out = await js(`import fs from "node:fs"; for (const p of [${JSON.stringify(here)}, "/proc/${process.pid}/environ", "/etc/passwd"]) { try { fs.readFileSync(p); console.log("READ") } catch (e) { console.log(e.code) } }`);
    expect(out).toBe("ERR_ACCESS_DENIED\nERR_ACCESS_DENIED\nERR_ACCESS_DENIED\n");
    // Without Node's own permission flags the namespace alone must hold: the paths do not exist in it.
    const node = isolation.available ? isolation.interpreters.get("javascript")! : undefined;
    const bare = { ...node!, argv: () => [process.execPath] };
    const run = await runSandboxed(bare, `const fs = require("fs"); for (const p of [${JSON.stringify(here)}, "/proc/${process.pid}/environ", "/etc/passwd", "/root", "/home"]) { try { fs.readFileSync(p); console.log("READ") } catch (e) { console.log(e.code) } }`, limitsOf());
    expect(run.output).toBe("ENOENT\nENOENT\nENOENT\nENOENT\nENOENT\n");
  });

  it("stops 1 GiB of memory, in Buffers and in the JavaScript heap", async () => {
    expect(await js("const b = Buffer.alloc(1 << 30, 1); console.log('GOT', b.length)")).toMatch(/RangeError[\s\S]*\[exit code 1\]/);
    // The heap's own cap (a smaller one, so the collector gives up sooner).
    expect(await tool("javascript", { memoryMb: 64 })("const a = []; for (let i = 0; i < 1 << 24; i++) a.push({ i, s: 'x'.repeat(64) + i }); console.log('GOT')")).toMatch(/heap out of memory[\s\S]*\[(exit code|killed by)/);
  });

  it("stops 1 GiB of disk; the scratch folder exists only inside the sandbox", async () => {
    const out = await js(`
      import fs from "node:fs";
      const chunk = Buffer.alloc(16 << 20, 1); let written = 0;
      try { for (let i = 0; i < 64; i++) { fs.appendFileSync("big.bin", chunk); written += chunk.length } } catch (e) { console.log(e.code) }
      console.log(process.cwd(), written < 1 << 30 ? "STOPPED" : "WROTE 1 GiB");`);
    expect(out).toMatch(/^(ENOSPC|EFBIG)\n\/scratch STOPPED\n$/);
    expect(existsSync("/scratch")).toBe(false);
  });

  it("stops a program past its time limit, and one that floods its output", async () => {
    const quick = tool("javascript", { timeoutSeconds: 0.3 });
    const t0 = Date.now();
    expect(await quick("for(;;){}")).toMatch(/\[stopped after 300 ms\]/);
    expect(Date.now() - t0).toBeLessThan(5000);
    const t1 = Date.now();
    const flood = await js("setInterval(() => process.stdout.write('x'.repeat(1 << 16)), 0)");
    expect(Date.now() - t1).toBeLessThan(5000);
    expect(flood).toMatch(/\[output cut at 8000 characters\]\n\[stopped: it printed too much\]\n$/);
    expect(flood.length).toBeLessThan(8_200);
  });

  it("leaves no process behind when the engine is killed with SIGKILL", async () => {
    // An engine-like parent: it runs a program that would spin for 60 s, and prints the sandbox's pid.
    const runner = fileURLToPath(new URL("./run-sandboxed.ts", import.meta.url));
    const probe = fileURLToPath(new URL("./isolation.ts", import.meta.url));
    const parent = spawn(process.execPath, ["--input-type=module", "-e", `
      const { runSandboxed } = await import(${JSON.stringify(runner)});
      const { probeIsolation } = await import(${JSON.stringify(probe)});
      const node = probeIsolation().interpreters.get("javascript");
      runSandboxed(node, "for(;;){}", { timeoutMs: 60000, memoryMb: 64, diskMb: 8, outputChars: 100 }, (pid) => console.log(pid));
      setInterval(() => {}, 1000);`], { stdio: ["ignore", "pipe", "inherit"] });
    const sandboxPid = Number(await new Promise<string>((r) => parent.stdout!.once("data", (b: Buffer) => r(b.toString()))));
    // Wait until the spinning program runs, then collect every process of the sandbox.
    let tree: number[] = [];
    for (let i = 0; i < 300 && !tree.some((p) => cmdline(p).startsWith(process.execPath)); i++) {
      await new Promise((r) => setTimeout(r, 50));
      tree = descendants(sandboxPid);
    }
    expect(tree.length).toBeGreaterThanOrEqual(2);
    parent.kill("SIGKILL");
    const gone = async () => {
      for (let i = 0; i < 100; i++) {
        if ([sandboxPid, ...tree].every((p) => !alive(p))) return true;
        await new Promise((r) => setTimeout(r, 50));
      }
      return false;
    };
    expect(await gone()).toBe(true);
  });

  it.skipIf(!hasPython)("Python: runs, under the same walls and caps", async () => {
    const py = tool("python");
    expect(await py("print(6 * 7)")).toBe("42\n");
    const out = await py(`
import os, socket, json
r = {}
def attempt(name, f):
    try:
        f(); r[name] = "ALLOWED"
    except OSError as e:
        r[name] = e.errno
    except MemoryError:
        r[name] = "MemoryError"
attempt("tcp", lambda: socket.create_connection(("127.0.0.1", ${port.tcp}), timeout=2))
attempt("udp", lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("127.0.0.1", ${port.udp})))
attempt("engine", lambda: os.kill(${process.pid}, 9))
attempt("bystander", lambda: os.kill(${bystander.pid}, 9))
attempt("file", lambda: open(${JSON.stringify(fileURLToPath(import.meta.url))}).read())
attempt("environ", lambda: open("/proc/${process.pid}/environ").read())
attempt("memory", lambda: bytearray(1 << 30))
def disk():
    with open("big.bin", "wb") as f:
        for _ in range(64): f.write(b"x" * (16 << 20)); f.flush()
attempt("disk", disk)
r["env"] = os.environ.get("OPENAI_API_KEY_TEST_SECRET")
print(json.dumps(r))`);
    const errno = { ENETUNREACH: 101, ESRCH: 3, ENOENT: 2, ENOSPC: 28, EFBIG: 27 };
    const r = JSON.parse(out);
    expect(r).toMatchObject({ tcp: errno.ENETUNREACH, udp: errno.ENETUNREACH, engine: errno.ESRCH, bystander: errno.ESRCH, file: errno.ENOENT, environ: errno.ENOENT, memory: "MemoryError", env: null });
    expect([errno.ENOSPC, errno.EFBIG]).toContain(r.disk);
    expect(out).not.toContain("ALLOWED");
    expect(reached).toBe(0);
    expect(await tool("python", { timeoutSeconds: 0.3 })("while True: pass")).toMatch(/\[stopped after 300 ms\]/);
  });
});

describe.skipIf(!isolation.available || !isolation.interpreters.has("python"))("a fork bomb", () => {
  it("is capped at 64 processes (for a user other than root, whom the kernel exempts), and none outlives the call", async () => {
    const python = isolation.available ? isolation.interpreters.get("python")! : undefined;
    const exe = python!.argv(limitsOf())[0]!;
    const running = () => readdirSync("/proc").filter((p) => /^\d+$/.test(p) && cmdline(Number(p)).startsWith(exe)).length;
    const before = running();
    const out = await tool("python", { timeoutSeconds: 3 })(`
import os, time
n = 0
try:
    for _ in range(500):
        if os.fork() == 0:
            time.sleep(60); os._exit(0)
        n += 1
except OSError:
    pass
print(n, flush=True)
time.sleep(60)`);
    const forked = Number(out.split("\n")[0]);
    if (process.getuid!() !== 0) expect(forked).toBeLessThan(64);
    expect(out).toMatch(/\[stopped after 3000 ms\]/);
    expect(running()).toBe(before);
  });
});

function descendants(pid: number): number[] {
  const kids = (() => {
    try {
      return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return [];
    }
  })();
  return [pid, ...kids.flatMap(descendants)];
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
  } catch {
    return "";
  }
}

function alive(pid: number): boolean {
  try {
    // A zombie still answers kill(0) but runs nothing; only its parent's wait removes it.
    return !/^State:\s*Z/m.test(readFileSync(`/proc/${pid}/status`, "utf8"));
  } catch {
    return false;
  }
}
