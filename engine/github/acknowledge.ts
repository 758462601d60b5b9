// Carries out an acknowledgement the commands room decided on (engine/commands/reactions.ts: 👀 taken up, 🚀 done,
// 😕 with a reply saying why). Reactions are idempotent on GitHub; the reply is a marked comment keyed by the
// command's comment, so a re-run edits it rather than answering twice.
import type { Acknowledgement } from "../agency/actor.ts";
import { react, type CommentRef } from "./react.ts";
import { upsertStickyComment, type StickyResult } from "./sticky-comment.ts";
import type { GitHubForge } from "./types.ts";

export interface CommandComment extends CommentRef {
  /** The issue or PR the comment belongs to: where a reply goes. */
  issueNumber: number;
  author: string;
}

export async function applyAcknowledgement(forge: GitHubForge, comment: CommandComment, ack: Acknowledgement): Promise<{ reply?: StickyResult }> {
  for (const content of ack.reactions) await react(forge, comment, content);
  if (ack.reply === undefined) return {};
  const marker = { kind: "reply", key: `${comment.kind}-${comment.id}` };
  return { reply: await upsertStickyComment(forge, comment.issueNumber, marker, `@${comment.author} ${ack.reply}`) };
}
