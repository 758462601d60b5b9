// Test-only: puts a FakeRepo behind https://api.github.com with nock. Every request is matched to an operation of
// GitHub's REST description and checked (query and body); every reply, fake or scripted fault, is checked against
// the schema the operation declares for its status. Requests GitHub would not understand get a 400 and are recorded
// in `problems`; `assertClean()` (call it in afterEach) fails the test on any problem, including reply drift.
// Reads and writes are counted per operation, for the idempotency tests and the no-op benchmark.
import nock from "nock";
import { openApiCheck, type OpenApiCheck } from "./openapi-check.ts";
import type { FakeRepo } from "./fake-repo.ts";
import type { FakeReply } from "./fake-http.ts";
import { routeFake } from "./fake-routes.ts";

export const GITHUB_API = "https://api.github.com";

export interface GitHubCall {
  operationId: string;
  method: string;
  path: string;
  status: number;
  /** A request that changes something: any non-GET, except a GraphQL query (not a mutation). */
  write: boolean;
}

export interface ScriptedReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const METHODS = ["GET", "POST", "PATCH", "PUT", "DELETE"] as const;

function parseBody(raw: unknown): unknown {
  if (raw === undefined || raw === null || raw === "") return undefined;
  if (typeof raw !== "string") return raw;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
}

function isWrite(method: string, operationId: string, body: unknown): boolean {
  if (method === "GET" || method === "HEAD") return false;
  if (operationId !== "graphql") return true;
  const query = (body as { query?: unknown } | undefined)?.query;
  return typeof query === "string" && /^\s*mutation\b/.test(query);
}

export class GitHubMock {
  readonly fake: FakeRepo;
  readonly calls: GitHubCall[] = [];
  readonly problems: string[] = [];
  private readonly check: OpenApiCheck;
  private readonly baseUrl: string;
  private readonly interceptors: nock.Interceptor[] = [];
  private readonly scripted: { operationId: string; reply: ScriptedReply }[] = [];

  constructor(fake: FakeRepo, baseUrl = GITHUB_API) {
    this.fake = fake;
    this.check = openApiCheck();
    this.baseUrl = baseUrl;
    nock.disableNetConnect();
    const scope = nock(baseUrl).persist();
    const mock = this;
    for (const method of METHODS) {
      const interceptor = scope.intercept(() => true, method);
      interceptor.reply(function (uri, body) {
        return mock.handle(method, uri, body);
      });
      this.interceptors.push(interceptor);
    }
  }

  get reads(): number {
    return this.calls.filter((c) => !c.write).length;
  }

  get writes(): number {
    return this.calls.filter((c) => c.write).length;
  }

  /** Operation ids of the calls so far, in order (`pulls/list`, `issues/create-comment`, …). */
  get operations(): string[] {
    return this.calls.map((c) => c.operationId);
  }

  resetCounts(): void {
    this.calls.length = 0;
  }

  /** The next `times` calls to an operation get this reply instead of reaching the fake (checked like any other). */
  script(operationId: string, reply: ScriptedReply, times = 1): this {
    this.check.operation(operationId);
    for (let i = 0; i < times; i++) this.scripted.push({ operationId, reply });
    return this;
  }

  assertClean(): void {
    const pending = this.scripted.map((s) => s.operationId);
    const problems = [...this.problems, ...(pending.length ? [`scripted replies never used: ${pending.join(", ")}`] : [])];
    if (problems.length) throw new Error(`GitHub traffic did not match the REST description:\n- ${problems.join("\n- ")}`);
  }

  close(): void {
    for (const interceptor of this.interceptors) nock.removeInterceptor(interceptor);
    this.interceptors.length = 0;
  }

  private refuse(problem: string): [number, unknown, Record<string, string>] {
    this.problems.push(problem);
    return [400, { message: `ateams openapi check: ${problem}`, documentation_url: "https://docs.github.com/rest" }, { "content-type": "application/json" }];
  }

  private handle(method: string, uri: string, rawBody: unknown): [number, unknown, Record<string, string>] {
    const url = new URL(uri, this.baseUrl);
    const basePath = new URL(this.baseUrl).pathname.replace(/\/$/, "");
    const path = url.pathname.startsWith(basePath) ? url.pathname.slice(basePath.length) || "/" : url.pathname;
    const match = this.check.match(method, path);
    if (!match) return this.refuse(`no GitHub REST operation for ${method} ${path}`);
    const body = parseBody(rawBody);
    const requestProblems = this.check.checkRequest(match, url.searchParams, body);
    if (requestProblems.length) return this.refuse(requestProblems.join("; "));

    const at = this.scripted.findIndex((s) => s.operationId === match.operationId);
    let reply: FakeReply;
    if (at >= 0) {
      reply = this.scripted.splice(at, 1)[0]!.reply;
    } else {
      try {
        reply = routeFake(this.fake, { operationId: match.operationId, pathParams: match.pathParams, query: url.searchParams, body, url });
      } catch (error) {
        return this.refuse((error as Error).message);
      }
    }
    for (const problem of this.check.checkResponse(match.operationId, reply.status, reply.body)) this.problems.push(problem);
    this.calls.push({ operationId: match.operationId, method, path, status: reply.status, write: isWrite(method, match.operationId, body) });
    const headers = {
      "content-type": "application/json; charset=utf-8",
      "x-github-request-id": `FAKE:${this.calls.length}`,
      "x-ratelimit-limit": "5000",
      "x-ratelimit-remaining": "4999",
      "x-ratelimit-reset": String(Math.floor(Date.now() / 1000) + 3600),
      ...reply.headers,
    };
    return [reply.status, reply.body === undefined ? "" : reply.body, headers];
  }
}

/** Starts intercepting GitHub for one fake repository; `close()` stops it. */
export function mockGitHub(fake: FakeRepo, baseUrl?: string): GitHubMock {
  return new GitHubMock(fake, baseUrl);
}
