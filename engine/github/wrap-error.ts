// The one place octokit's errors become ours. Classification reads the status and GitHub's rate-limit headers; the
// only text it looks at is the one GitHub gives no header for (a secondary-rate-limit 403 without retry-after),
// matched the same way @octokit/plugin-throttling matches it.
import {
  GitHubApiError,
  GitHubAuthError,
  GitHubError,
  GitHubGraphQLError,
  GitHubNotFoundError,
  GitHubRateLimitError,
  GitHubValidationError,
  type GitHubFieldError,
} from "./errors.ts";

interface OctokitErrorShape {
  name?: string;
  message?: string;
  status?: number;
  response?: { status?: number; headers?: Record<string, string | undefined>; data?: unknown };
  errors?: { type?: string; message: string }[];
}

function rateLimitWaitMs(headers: Record<string, string | undefined>): number | undefined {
  const retryAfter = Number(headers["retry-after"]);
  if (Number.isFinite(retryAfter) && headers["retry-after"] !== undefined) return retryAfter * 1000;
  if (headers["x-ratelimit-remaining"] === "0" && headers["x-ratelimit-reset"]) {
    return Math.max(Number(headers["x-ratelimit-reset"]) * 1000 - Date.now(), 0);
  }
  return undefined;
}

function isRateLimited(status: number, headers: Record<string, string | undefined>, message: string): boolean {
  if (status === 429) return true;
  if (status !== 403) return false;
  return headers["retry-after"] !== undefined || headers["x-ratelimit-remaining"] === "0" || /\brate limit\b/i.test(message);
}

export function toGitHubError(operation: string, error: unknown): GitHubError {
  if (error instanceof GitHubError) return error;
  const e = (error ?? {}) as OctokitErrorShape;
  const message = e.message ?? String(error);
  if (e.name === "GraphqlResponseError" && Array.isArray(e.errors)) {
    return new GitHubGraphQLError(message, { operation, status: 200, errors: e.errors, cause: error });
  }
  // No response at all (fetch failed, reset, DNS): octokit reports these as status 500 without a response.
  if (!e.response || typeof e.status !== "number") {
    return new GitHubApiError(message, { operation, cause: error, retryable: true });
  }
  const status = e.status;
  const headers = e.response.headers ?? {};
  const init = { operation, status, cause: error, requestId: headers["x-github-request-id"], responseBody: e.response.data };
  if (isRateLimited(status, headers, message)) {
    const retryAfterMs = rateLimitWaitMs(headers);
    return new GitHubRateLimitError(message, retryAfterMs === undefined ? init : { ...init, retryAfterMs });
  }
  if (status === 401 || status === 403) return new GitHubAuthError(message, init);
  if (status === 404) return new GitHubNotFoundError(message, init);
  if (status === 422) {
    const body = e.response.data as { errors?: unknown } | undefined;
    const errors = Array.isArray(body?.errors) ? (body.errors as GitHubFieldError[]) : [];
    return new GitHubValidationError(message, { ...init, errors });
  }
  return new GitHubApiError(message, init);
}
