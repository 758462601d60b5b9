// Idempotent PR upkeep: bring the PR of a head branch to what the engine wants with as few writes as possible, and
// none when it is already there. A PR closed without merge is the humans' "no" (state `rejected`): it is never
// reopened and never replaced by a new one for the same branch. A merged PR is done (state `merged`).
import { GitHubValidationError } from "./errors.ts";
import { LabelEnsurer } from "./labels.ts";
import { findPullRequest } from "./pull-request-lookup.ts";
import { sameBody } from "./same-body.ts";
import type { GitHubForge, PullRequest } from "./types.ts";

export interface PullRequestSpec {
  /** Head branch (`ateams/<project>/<stream>`); the PR's identity. */
  head: string;
  /**
   * The branch's current tip. A PR closed without merge stays the answer only for the work it showed: once the
   * branch has new commits (the work was re-planned and redone), a new PR is opened for them; the old one is never
   * reopened.
   */
  tip?: string;
  base: string;
  title: string;
  body: string;
  /** For a new PR. An existing draft is marked ready when this is false; a ready PR is never turned back. */
  draft: boolean;
  /** Labels that must be present; others are left alone unless they carry an exclusive prefix. */
  labels?: readonly string[];
  /** Present labels with these prefixes that are not in `labels` are removed. Default: `state:`. */
  exclusiveLabelPrefixes?: readonly string[];
  /** Logins to request a review from, unless already requested, already reviewed, or the PR's author. */
  reviewers?: readonly string[];
  teamReviewers?: readonly string[];
}

export interface EnsureOptions {
  /** The PR already found for this head (PullRequestIndex.existing); null when known to have none; undefined: look it up. */
  existing?: PullRequest | null;
  /** Shared across one run so each label is checked once. */
  labels?: LabelEnsurer;
}

export type EnsureResult =
  | {
      state: "open";
      pr: PullRequest;
      created: boolean;
      /** What was written: `created`, `title`, `body`, `base`, `ready`, `labels`, `unlabel:<name>`, `reviewers`. */
      changes: string[];
      /** Things GitHub refused that do not make the PR wrong (e.g. a reviewer who is not a collaborator). */
      warnings: string[];
    }
  | { state: "merged"; pr: PullRequest }
  | { state: "rejected"; pr: PullRequest };

export async function ensurePullRequest(forge: GitHubForge, spec: PullRequestSpec, options: EnsureOptions = {}): Promise<EnsureResult> {
  const found = options.existing === undefined ? await findPullRequest(forge, spec.head) : (options.existing ?? undefined);
  const redone = found?.state === "closed" && !found.merged && spec.tip !== undefined && found.headSha !== spec.tip;
  if (found && found.state === "closed" && !redone) return found.merged ? { state: "merged", pr: found } : { state: "rejected", pr: found };

  const changes: string[] = [];
  const warnings: string[] = [];
  let pr: PullRequest;
  if (!found || redone) {
    pr = await forge.createPullRequest({ head: spec.head, base: spec.base, title: spec.title, body: spec.body, draft: spec.draft });
    changes.push("created");
  } else {
    pr = found;
    const update: { title?: string; body?: string; base?: string } = {};
    if (pr.title !== spec.title) update.title = spec.title;
    if (!sameBody(pr.body, spec.body)) update.body = spec.body;
    if (pr.base !== spec.base) update.base = spec.base;
    if (Object.keys(update).length) {
      pr = await forge.updatePullRequest(pr.number, update);
      changes.push(...Object.keys(update));
    }
    if (pr.draft && !spec.draft) {
      const { draft } = await forge.markReadyForReview(pr);
      pr = { ...pr, draft };
      changes.push("ready");
    }
  }

  pr = await syncLabels(forge, pr, spec, options.labels ?? new LabelEnsurer(forge), changes);
  pr = await requestMissingReviewers(forge, pr, spec, changes, warnings);
  return { state: "open", pr, created: !found || redone, changes, warnings };
}

async function syncLabels(forge: GitHubForge, pr: PullRequest, spec: PullRequestSpec, ensurer: LabelEnsurer, changes: string[]): Promise<PullRequest> {
  const present = new Set(pr.labels.map((l) => l.toLowerCase()));
  const wanted = spec.labels ?? [];
  const wantedKeys = new Set(wanted.map((l) => l.toLowerCase()));
  const missing = wanted.filter((l) => !present.has(l.toLowerCase()));
  const prefixes = spec.exclusiveLabelPrefixes ?? ["state:"];
  const stale = pr.labels.filter((l) => prefixes.some((p) => l.startsWith(p)) && !wantedKeys.has(l.toLowerCase()));
  let labels = pr.labels;
  if (missing.length) {
    await ensurer.ensure(missing);
    labels = await forge.addLabels(pr.number, missing);
    changes.push("labels");
  }
  for (const name of stale) {
    labels = await forge.removeLabel(pr.number, name);
    changes.push(`unlabel:${name}`);
  }
  return { ...pr, labels };
}

async function requestMissingReviewers(forge: GitHubForge, pr: PullRequest, spec: PullRequestSpec, changes: string[], warnings: string[]): Promise<PullRequest> {
  const author = pr.author.login.toLowerCase();
  const requested = new Set(pr.requestedReviewers.map((l) => l.toLowerCase()));
  let users = (spec.reviewers ?? []).filter((l) => l.toLowerCase() !== author && !requested.has(l.toLowerCase()));
  const teams = (spec.teamReviewers ?? []).filter((t) => !pr.requestedTeams.includes(t));
  // GitHub takes reviewers off the requested list once they review; asking again would ping them for nothing.
  // Reviews are read only when someone seems to be missing, so a settled PR costs no read here.
  if (users.length && !changes.includes("created")) {
    const reviewed = new Set((await forge.listReviews(pr.number)).flatMap((r) => (r.author ? [r.author.login.toLowerCase()] : [])));
    users = users.filter((l) => !reviewed.has(l.toLowerCase()));
  }
  if (!users.length && !teams.length) return pr;
  try {
    const after = await forge.requestReviewers(pr.number, { users, teams });
    changes.push("reviewers");
    return { ...pr, requestedReviewers: after.requestedReviewers, requestedTeams: after.requestedTeams };
  } catch (error) {
    if (!(error instanceof GitHubValidationError)) throw error;
    warnings.push(`review request for ${[...users, ...teams.map((t) => `team ${t}`)].join(", ")} refused: ${error.message}`);
    return pr;
  }
}

/** GraphQL markPullRequestReadyForReview, only when the PR is still a draft. */
export async function markReadyForReview(forge: GitHubForge, pr: PullRequest): Promise<{ pr: PullRequest; changed: boolean }> {
  if (!pr.draft) return { pr, changed: false };
  const { draft } = await forge.markReadyForReview(pr);
  return { pr: { ...pr, draft }, changed: true };
}
