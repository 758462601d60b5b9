// What the GitHub adapter's tests hand in from the commands room: its own reader over the built-in names, its
// authorize and its reactions, so the adapter's tests exercise the real command language without the adapter (or
// its tests) importing engine/commands.
export { commandReader } from "../../../engine/commands/reader.ts";
export { authorize } from "../../../engine/commands/authorize.ts";
export { reactionsFor } from "../../../engine/commands/reactions.ts";
export type { ParsedCommand } from "../../../engine/commands/parse.ts";
