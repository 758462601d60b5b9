// What the GitHub adapter needs to know about /commands, handed in by the layer above (engine/github-run, cli): how
// to find the commands in a comment body and how to say "taken up". The adapter never parses commands itself, so
// the command language can change without touching it.
import type { Acknowledgement } from "../spec/actor.ts";

export interface CommandReader<C> {
  /** The commands a comment body holds, in order; empty when it holds none. */
  parse(body: string): readonly C[];
  /** The acknowledgement a person sees at once when their comment held commands (👀). */
  received: Acknowledgement;
}
