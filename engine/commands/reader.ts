// The command language as the GitHub adapter consumes it (engine/github/command-reader.ts): the parser bound to the
// agency's command names, and the 👀 that says a command was taken up. Handed to the adapter from the layer above.
import { BUILTIN_COMMAND_NAMES } from "../spec/builtin-commands.ts";
import { parseCommands, type ParsedCommand } from "./parse.ts";
import { reactionsFor, type Acknowledgement } from "./reactions.ts";

export function commandReader(known: ReadonlySet<string> = BUILTIN_COMMAND_NAMES): { parse(body: string): ParsedCommand[]; received: Acknowledgement } {
  return { parse: (body) => parseCommands(body, known), received: reactionsFor({ kind: "received" }) };
}
