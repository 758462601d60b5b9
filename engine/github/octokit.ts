// The configured Octokit: @octokit/core with the REST methods, pagination, and @octokit/plugin-throttling and
// @octokit/plugin-retry, to which rate limits and retries are left with bounded, configurable patience:
// - 5xx and network failures: retried `retry.retries` times, waiting (n+1)² × `retry.delayUnitMs`;
// - primary and secondary rate limits: waited out at most `rateLimit.retries` times, and only when GitHub asks for
//   no more than `rateLimit.maxWaitSeconds` (an exhausted hourly quota is a GitHubRateLimitError, not a long sleep).
// Tests shrink every unit to milliseconds.
import { Octokit as OctokitCore } from "@octokit/core";
import { paginateRest } from "@octokit/plugin-paginate-rest";
import { restEndpointMethods } from "@octokit/plugin-rest-endpoint-methods";
import { retry } from "@octokit/plugin-retry";
import { throttling, type ThrottlingOptions } from "@octokit/plugin-throttling";
import { GitHubConfigError } from "./errors.ts";
import { spacedGroup } from "./write-pacing.ts";
import { redactDeep } from "../secrets/redact.ts";

// The plugins the engine uses, not the `octokit` package: that one adds Apps, OAuth and webhooks the engine never
// calls, and with them some 70 MB of installed type packages in every repository that depends on ateams.
export const Octokit = OctokitCore.plugin(restEndpointMethods, paginateRest, retry, throttling);
export type Octokit = InstanceType<typeof Octokit>;

export interface GitHubClientOptions {
  token: string;
  owner: string;
  repo: string;
  /** REST root; `https://<host>/api/v3` for GitHub Enterprise Server. */
  baseUrl?: string;
  fetch?: typeof globalThis.fetch;
  userAgent?: string;
  retry?: { retries?: number; delayUnitMs?: number };
  rateLimit?: { retries?: number; maxWaitSeconds?: number; secondUnitMs?: number };
  /** Spacing between writes; the throttling plugin's own (1 s, 3 s for notifying writes) when absent. */
  writeIntervalMs?: number;
}

export function createOctokit(options: GitHubClientOptions): Octokit {
  if (!options.token) throw new GitHubConfigError("no GitHub token: set GITHUB_TOKEN (in Actions: permissions contents, pull-requests and issues: write)");
  if (!options.owner || !options.repo) throw new GitHubConfigError("GitHub owner and repository are required (GITHUB_REPOSITORY=owner/repo)");
  const rateRetries = options.rateLimit?.retries ?? 2;
  const maxWait = options.rateLimit?.maxWaitSeconds ?? 60;
  const shouldWait = (retryAfter: number, _options: unknown, _octokit: unknown, retryCount: number) => retryCount < rateRetries && retryAfter <= maxWait;
  // The plugin types these groups as Bottleneck.Group, of which it only calls key(id).schedule(...): what spacedGroup has.
  type Groups = Pick<ThrottlingOptions, "write" | "notifications">;
  const pacing = (options.writeIntervalMs === undefined ? {} : { write: spacedGroup(options.writeIntervalMs), notifications: spacedGroup(options.writeIntervalMs) }) as unknown as Groups;
  const octokit = new Octokit({
    auth: options.token,
    baseUrl: options.baseUrl ?? "https://api.github.com",
    userAgent: options.userAgent ?? "ateams",
    ...(options.fetch ? { request: { fetch: options.fetch } } : {}),
    // 429 joins the plugin's default no-retry list: rate limits are the throttling plugin's, with their own bound.
    retry: { retries: options.retry?.retries ?? 3, retryAfterBaseValue: options.retry?.delayUnitMs ?? 1000, doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451] },
    throttle: {
      onRateLimit: shouldWait,
      onSecondaryRateLimit: shouldWait,
      retryAfterBaseValue: options.rateLimit?.secondUnitMs ?? 1000,
      ...pacing,
    },
  });
  // Every PR title, body, comment and review this engine writes goes through here: no secret reaches GitHub.
  octokit.hook.before("request", (request) => {
    const params = request as unknown as Record<string, unknown>;
    for (const key of Object.keys(params)) if (!REQUEST_FIELDS.has(key)) params[key] = redactDeep(params[key]);
  });
  return octokit;
}

/** What octokit itself puts in a request's options; everything else is a parameter we send. */
const REQUEST_FIELDS = new Set(["method", "url", "baseUrl", "headers", "request", "mediaType"]);
