// The stand-in model endpoint of `npm run bench`, on a thread of its own: a real provider answers from another
// machine, so its work (HTTP parsing, JSON, composing replies) must not be billed to the engine's event loop, as it
// would be with the fake server inside the engine's thread. The worker runs the test suite's fake OpenAI server with
// the scripted team and reports each request's arrival (time, kind, task, prompt tokens) back to the bench.
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { performance } from "node:perf_hooks";
import { createFakeOpenAIServer, type FakeChatRequest } from "../test/support/fake-openai-server.ts";
import { buildAnswer, usageFor } from "../test/support/fake-openai-replies.ts";
import { scriptedTeam, taskIdOf } from "../test/support/scripted-team.ts";

/** One request as the server saw it; `at` is on the bench's performance.now() clock. */
export interface Arrival {
  at: number;
  /** The reply schema asked for (`specialist_work`, `collaborator_verdict`, …), or `text`. */
  kind: string;
  task: string | undefined;
  promptTokens: number;
  /** How long the server took to answer it on purpose: the fixed latency, or the paced model's draw. */
  modelMs: number;
}

export interface ModelServer {
  readonly url: string;
  /** Every request so far, in order of arrival. */
  readonly arrivals: Arrival[];
  stop(): Promise<void>;
}

interface Options {
  latencyMs: number;
  /**
   * Answer as real models do instead: per call a time to first token of 0.4–1.2 s and 40–110 tokens per second,
   * drawn from this seed and the request (so every run draws the same for the same call), the reply streamed over
   * its generation time when the request streams. With the scripted replies a call takes about 1–3 s.
   */
  realisticSeed?: number;
}

/** FNV-1a, then mulberry32: two uniforms in [0, 1) that depend only on the seed and the text. */
function uniforms(seed: number, text: string): [number, number] {
  let h = 2166136261 ^ seed;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  const next = () => {
    h = (h + 0x6d2b79f5) | 0;
    let t = Math.imul(h ^ (h >>> 15), 1 | h);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return [next(), next()];
}

export function realisticPace(seed: number, req: FakeChatRequest): { firstTokenMs: number; tokensPerSecond: number } {
  const [a, b] = uniforms(seed, `${kindOf(req)}|${taskIdOf(req) ?? ""}|${req.messages.length}|${JSON.stringify(req.messages.at(-1) ?? "").length}`);
  return { firstTokenMs: 400 + 800 * a, tokensPerSecond: 40 + 70 * b };
}

const kindOf = (r: FakeChatRequest) => r.response_format?.json_schema?.name ?? "text";

/** Starts the server on its own thread; answers every call after `latencyMs` with the input-sensitive scripted team. */
export async function startModelServer(options: Options): Promise<ModelServer> {
  const worker = new Worker(new URL(import.meta.url), { workerData: options });
  const arrivals: Arrival[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    worker.once("error", reject);
    worker.on("message", (m: { listening?: string; arrival?: Omit<Arrival, "at"> & { epoch: number } }) => {
      if (m.listening) resolve(m.listening);
      if (m.arrival) {
        const { epoch, ...rest } = m.arrival;
        arrivals.push({ ...rest, at: epoch - performance.timeOrigin });
      }
    });
  });
  return {
    url,
    arrivals,
    async stop() {
      await worker.terminate();
    },
  };
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  const { latencyMs, realisticSeed } = workerData as Options;
  const team = scriptedTeam({ inputSensitive: true });
  const server = createFakeOpenAIServer({
    latencyMs,
    ...(realisticSeed !== undefined ? { pace: (req: FakeChatRequest) => realisticPace(realisticSeed, req) } : {}),
    handler: (req) => {
      if (req.model === "warm-up") return { content: "ok" };
      const epoch = performance.timeOrigin + performance.now();
      const reply = team.handler(req);
      let modelMs = latencyMs;
      if (realisticSeed !== undefined && !("fault" in reply)) {
        const answer = buildAnswer(reply, req.index);
        const { firstTokenMs, tokensPerSecond } = realisticPace(realisticSeed, req);
        modelMs += firstTokenMs + (usageFor(req.messages, answer).completion_tokens / tokensPerSecond) * 1000;
      }
      port.postMessage({ arrival: { epoch, kind: kindOf(req), task: taskIdOf(req), promptTokens: usageFor(req.messages, { content: "", toolCalls: [], finishReason: "stop" }).prompt_tokens, modelMs } });
      return reply;
    },
  });
  const url = await server.start();
  // Up and serving before the bench starts, as a real endpoint is: its first request (cold code paths in this
  // thread) is made here, by the server's own thread, and not counted.
  await fetch(`${url}/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "warm-up", messages: [{ role: "user", content: "warm-up" }] }) }).then((r) => r.text());
  port.postMessage({ listening: url });
}
