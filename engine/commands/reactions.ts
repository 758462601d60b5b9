// How a command is acknowledged on GitHub: 👀 when it is picked up, 🚀 when done, 😕 with a reply
// saying why when it was refused or failed. Commands from people who may not command get nothing at all: they are
// only logged, so an outsider cannot use the bot to make noise.

import type { Acknowledgement, Reaction } from "../agency/actor.ts";

export type { Acknowledgement, Reaction };

export type CommandOutcome =
  /** Authorized and about to be applied. */
  | { kind: "received" }
  /**
   * Applied; `reply` carries an answer such as /status or /help. `note` says in a line what was done: a terminal
   * prints it, while GitHub acknowledges with 🚀 alone.
   */
  | { kind: "done"; reply?: string; note?: string }
  /** Dispatch refused it (a `reject` effect). */
  | { kind: "rejected"; command: string; reason: string }
  /** Applying it went wrong (a merge conflict, a closed PR…). */
  | { kind: "failed"; command: string; reason: string }
  /** The author may not command. */
  | { kind: "ignored"; reason: string };

export function reactionsFor(outcome: CommandOutcome): Acknowledgement {
  switch (outcome.kind) {
    case "received":
      return { reactions: ["eyes"] };
    case "done":
      return outcome.reply ? { reactions: ["rocket"], reply: outcome.reply } : { reactions: ["rocket"] };
    case "rejected":
      return { reactions: ["confused"], reply: `\`${outcome.command}\` was not run: ${outcome.reason}` };
    case "failed":
      return { reactions: ["confused"], reply: `\`${outcome.command}\` failed: ${outcome.reason}` };
    case "ignored":
      return { reactions: [] };
  }
}
