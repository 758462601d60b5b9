// Hidden HTML comments and invisible characters never reach a model or a file. The parser already cleans what it
// hands on (commands/parse.ts), and review-comment feedback is cleaned where it is read; this is the last gate
// before any effect is applied, so a text that took another way in is cleaned too. Cleaning is idempotent.
import type { CommandEffect } from "../commands/effect.ts";
import { assertNever } from "../agency/assert-never.ts";
import { sanitizeCommentText } from "../commands/sanitize.ts";

export function sanitizeEffect(effect: CommandEffect): CommandEffect {
  const clean = (text: string) => sanitizeCommentText(text).trim();
  switch (effect.type) {
    case "feedback":
    case "revise-plan":
    case "revise-assembly":
    case "answer":
      return { ...effect, text: clean(effect.text) };
    case "block":
      return { ...effect, reason: clean(effect.reason) };
    case "ask":
      return { ...effect, question: clean(effect.question) };
    case "teach":
      return { ...effect, lesson: clean(effect.lesson) };
    case "custom":
      return { ...effect, args: clean(effect.args) };
    case "approve-plan":
    case "accept-stream":
    case "accept-assembly":
    case "retry":
    case "escalate":
    case "unblock":
    case "cancel":
    case "status":
    case "help":
    case "reject":
      return effect;
    default:
      return assertNever(effect);
  }
}
