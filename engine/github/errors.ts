// Typed failures of the GitHub layer. Octokit's RequestError and GraphqlResponseError are wrapped at the boundary
// (wrap-error.ts), so the run loop maps outcomes by class and `retryable`, never by message text.

export class GitHubError extends Error {
  override name = "GitHubError";
  /** True when the same call, unchanged, may succeed later (rate limits, 5xx, network, conflicts). */
  readonly retryable: boolean;

  constructor(message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.retryable = options.retryable ?? false;
  }
}

/** Missing or contradictory settings (no token, no repository). Fix the setup; retrying cannot help. */
export class GitHubConfigError extends GitHubError {
  override name = "GitHubConfigError";
}

export interface GitHubApiErrorInit {
  /** The operation that failed, as GitHub names it (`pulls/create`). */
  operation: string;
  /** HTTP status; undefined when no response arrived (connection refused, reset, DNS). */
  status?: number;
  retryable?: boolean;
  requestId?: string;
  responseBody?: unknown;
  cause?: unknown;
}

/** 408, 409, 429 and every 5xx are worth another try, and so is a request that never got an answer. */
export function isRetryableStatus(status: number | undefined): boolean {
  return status === undefined || status === 408 || status === 409 || status === 429 || status >= 500;
}

export class GitHubApiError extends GitHubError {
  override name = "GitHubApiError";
  readonly operation: string;
  readonly status: number | undefined;
  readonly requestId: string | undefined;
  readonly responseBody: unknown;

  constructor(message: string, init: GitHubApiErrorInit) {
    super(`${init.operation}: ${message}`, { cause: init.cause, retryable: init.retryable ?? isRetryableStatus(init.status) });
    this.operation = init.operation;
    this.status = init.status;
    this.requestId = init.requestId;
    this.responseBody = init.responseBody;
  }
}

/** 404: the resource does not exist, or the token may not see it (GitHub does not say which). */
export class GitHubNotFoundError extends GitHubApiError {
  override name = "GitHubNotFoundError";
}

/** 401, or a 403 that is not a rate limit: the token is wrong or lacks a permission. */
export class GitHubAuthError extends GitHubApiError {
  override name = "GitHubAuthError";
}

/** Primary or secondary rate limit that outlasted the throttling plugin's bounded waits. */
export class GitHubRateLimitError extends GitHubApiError {
  override name = "GitHubRateLimitError";
  /** How long GitHub asked us to wait, when it said (retry-after, or until x-ratelimit-reset). */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, init: GitHubApiErrorInit & { retryAfterMs?: number }) {
    super(message, { ...init, retryable: true });
    this.retryAfterMs = init.retryAfterMs;
  }
}

export interface GitHubFieldError {
  resource?: string;
  field?: string;
  code: string;
  message?: string;
}

/** 422: GitHub understood the request and refused it (a PR for that head already exists, a bad label colour). */
export class GitHubValidationError extends GitHubApiError {
  override name = "GitHubValidationError";
  readonly errors: readonly GitHubFieldError[];

  constructor(message: string, init: GitHubApiErrorInit & { errors: GitHubFieldError[] }) {
    super(message, { ...init, retryable: false });
    this.errors = init.errors;
  }
}

/** A GraphQL answer with `errors` (HTTP 200). Retryable only when GitHub says it was rate limited. */
export class GitHubGraphQLError extends GitHubApiError {
  override name = "GitHubGraphQLError";
  readonly errors: readonly { type?: string; message: string }[];

  constructor(message: string, init: GitHubApiErrorInit & { errors: { type?: string; message: string }[] }) {
    super(message, { ...init, retryable: init.errors.some((e) => e.type === "RATE_LIMITED") });
    this.errors = init.errors;
  }
}

/** The Actions event payload is missing, unreadable, or not shaped like the event GitHub says it is. */
export class GitHubEventError extends GitHubError {
  override name = "GitHubEventError";
  readonly eventName: string;

  constructor(eventName: string, message: string, options: { cause?: unknown } = {}) {
    super(`${eventName} event: ${message}`, options);
    this.eventName = eventName;
  }
}
