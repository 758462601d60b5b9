// One comment may hold several commands, but it gets one acknowledgement: the reactions of every outcome (🚀 for
// what was done, 😕 for what was refused or failed) and one reply joining what each has to say, in order.
import { reactionsFor, type Acknowledgement, type CommandOutcome, type Reaction } from "../commands/reactions.ts";

export function combinedAcknowledgement(outcomes: readonly CommandOutcome[]): Acknowledgement {
  const reactions: Reaction[] = [];
  const replies: string[] = [];
  for (const outcome of outcomes) {
    const ack = reactionsFor(outcome);
    for (const r of ack.reactions) if (!reactions.includes(r)) reactions.push(r);
    if (ack.reply !== undefined) replies.push(ack.reply);
  }
  return replies.length ? { reactions, reply: replies.join("\n\n---\n\n") } : { reactions };
}
