// github/: the GitHub side of the forge. A typed client over octokit (throttling and retry plugins), idempotent PR
// and comment upkeep keyed by branch names and hidden markers, and event intake from Actions payloads or polling.
export { createGitHubClient, githubForge, type GitHubClientOptions } from "./client.ts";
export { createOctokit } from "./octokit.ts";
export type * from "./types.ts";
export * from "./errors.ts";
export { ensurePullRequest, markReadyForReview, type EnsureOptions, type EnsureResult, type PullRequestSpec } from "./pull-requests.ts";
export { findPullRequest, indexAgencyPullRequests, pickForHead, PullRequestIndex } from "./pull-request-lookup.ts";
export { AGENCY_LABEL, LabelEnsurer, labelStyle, projectLabel, stateLabel } from "./labels.ts";
export { upsertStickyComment, findMarked, type StickyResult } from "./sticky-comment.ts";
export { formatMarker, parseMarker, statusMarker, withMarker, CommentMarkerError, type CommentMarker } from "./comment-marker.ts";
export { react, type CommentRef } from "./react.ts";
export { cachedPermissionLookup } from "./permission-lookup.ts";
export { applyAcknowledgement, type CommandComment } from "./acknowledge.ts";
export { readEvent, parseEvent, concernsAgency, type AgencyEvent, type Actor, type ReviewVerdict, type EventEnv } from "./events.ts";
export { intakeEvent, type Intake, type IntakeOptions } from "./intake.ts";
export type { CommandReader } from "./command-reader.ts";
export { pollSince, startCursor, type PollCursor, type PollResult } from "./poll.ts";
