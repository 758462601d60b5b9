// The sticky status comment on one PR. Its text carries an "updated <time>" stamp; rendering it with the current
// time would make every run differ and write. So the stamp of the comment already there is reused to ask "did
// anything else change?", and only a real change is written, with a fresh stamp.
import { findMarked, statusMarker, upsertStickyComment, withMarker, formatMarker, type StickyResult } from "../github/index.ts";
import { sameBody } from "../github/same-body.ts";
import type { ProjectPlan } from "../plan/types.ts";
import type { Templates } from "../prompts/templates.ts";
import { statusCommentBody } from "../publish/pr-bodies.ts";
import type { GitHubRunContext } from "./github-run-context.ts";

const STAMP = /^\*\*ateams status\*\* · .* · updated (\S+)\s*$/m;

/** The comment text without its marker line: upsertStickyComment adds the marker itself. */
export function renderStatusComment(templates: Templates, key: string, scope: ProjectPlan, at: string): string {
  const body = statusCommentBody(templates, key, scope, at);
  const marker = `${formatMarker(statusMarker(key))}\n`;
  return body.startsWith(marker) ? body.slice(marker.length) : body;
}

/** When the comment last said something new, read back from its own text. */
export function statusStamp(body: string): string | undefined {
  return STAMP.exec(body.replace(/\r\n/g, "\n"))?.[1];
}

/**
 * `fresh`: the PR was opened this run, so it has no comments and listing them would be a wasted read.
 * Costs one read otherwise, and a write only when the status changed.
 */
export async function publishStatusComment(ctx: GitHubRunContext, issueNumber: number, key: string, scope: ProjectPlan, fresh: boolean): Promise<StickyResult["action"]> {
  const marker = statusMarker(key);
  const comments = fresh ? [] : await ctx.forge.listIssueComments(issueNumber);
  const existing = findMarked(comments, marker);
  const stamp = existing && statusStamp(existing.body);
  if (existing && stamp && sameBody(existing.body, withMarker(marker, renderStatusComment(ctx.templates, key, scope, stamp)))) return "unchanged";
  const result = await upsertStickyComment(ctx.forge, issueNumber, marker, renderStatusComment(ctx.templates, key, scope, ctx.now()), { comments });
  return result.action;
}
