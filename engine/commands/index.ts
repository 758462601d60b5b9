// /commands, as pure steps that PR comments and `ateams <command>` in a terminal both go through:
// sanitize → parseCommands → authorize → dispatch → (intake/apply-commands.ts applies the effect) → reactionsFor;
// feedback effects are recorded with applyFeedback. Nothing here performs I/O.
export { BUILTIN_COMMANDS, BUILTIN_COMMAND_NAMES, MULTILINE_COMMANDS, ROLE_ADDRESSED_COMMANDS, type CommandInfo } from "../spec/builtin-commands.ts";
export { sanitizeCommentText } from "./sanitize.ts";
export { parseCommands, type ParsedCommand } from "./parse.ts";
export { commandReader } from "./reader.ts";
export { commandRegistry, helpText, type CommandRegistry, type RoleCommands } from "./registry.ts";
export { authorize, type Actor, type Authorization, type Permission, type PermissionLookup } from "./authorize.ts";
export type { CommandContext, CommandEffect, ContextKind, EffectType, FeedbackEffect } from "./effect.ts";
export { dispatch } from "./dispatch.ts";
export { reviewCommentFeedback, reviseEffect } from "./revise.ts";
export { applyFeedback, mergeFeedback } from "./feedback.ts";
export { reactionsFor, type Acknowledgement, type CommandOutcome, type Reaction } from "./reactions.ts";
