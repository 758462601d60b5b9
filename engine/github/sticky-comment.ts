// One comment per (issue or PR, marker), created once and edited in place afterwards; a run that has nothing new to
// say writes nothing. Found by its hidden first-line marker among all the issue's comments (paginated).
import { parseMarker, withMarker, type CommentMarker } from "./comment-marker.ts";
import { sameBody } from "./same-body.ts";
import type { GitHubForge, IssueComment } from "./types.ts";

export type StickyResult = { action: "created" | "updated" | "unchanged"; comment: IssueComment };

/** The oldest comment carrying the marker: should a race ever leave two, the same one is edited every time. */
export function findMarked(comments: readonly IssueComment[], marker: CommentMarker): IssueComment | undefined {
  return comments.find((c) => {
    const m = parseMarker(c.body);
    return m !== undefined && m.kind === marker.kind && m.key === marker.key;
  });
}

export async function upsertStickyComment(
  forge: GitHubForge,
  issueNumber: number,
  marker: CommentMarker,
  body: string,
  options: { comments?: readonly IssueComment[] } = {},
): Promise<StickyResult> {
  const full = withMarker(marker, body);
  const existing = findMarked(options.comments ?? (await forge.listIssueComments(issueNumber)), marker);
  if (!existing) return { action: "created", comment: await forge.createIssueComment(issueNumber, full) };
  if (sameBody(existing.body, full)) return { action: "unchanged", comment: existing };
  return { action: "updated", comment: await forge.updateIssueComment(existing.id, full) };
}
