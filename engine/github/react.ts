// Reactions on the two kinds of comment a command can arrive in. GitHub keeps one reaction per person and content,
// answering 200 instead of 201 when it already exists, so reacting again is harmless.
import type { GitHubForge, ReactionContent } from "./types.ts";

export interface CommentRef {
  /** A PR/issue conversation comment, or a comment on a line of a PR's diff. */
  kind: "issue-comment" | "review-comment";
  id: number;
}

export function react(forge: GitHubForge, comment: CommentRef, content: ReactionContent): Promise<{ created: boolean }> {
  return comment.kind === "issue-comment" ? forge.reactToIssueComment(comment.id, content) : forge.reactToReviewComment(comment.id, content);
}
