// /commands in a comment, PR review body or review comment. Text in, data out: who may command,
// and what a command does, are decided later (authorize.ts, dispatch.ts).
import { MULTILINE_COMMANDS, ROLE_ADDRESSED_COMMANDS } from "../agency/builtin-commands.ts";
import { classifyLines, type MarkdownLine } from "./markdown-lines.ts";
import { sanitizeCommentText } from "./sanitize.ts";

export interface ParsedCommand {
  /** Lowercase, with its slash: `/approve`. */
  name: string;
  /** The rest of the line, trimmed; for MULTILINE_COMMANDS also the lines that follow (see parseCommands). */
  args: string;
  /** 1-based line in the sanitized text where the command starts. */
  line: number;
  /**
   * The role addressed: the `@role` of `/ask @role …` and `/teach @role …` (taken out of args), or an `@role`
   * written before any command (`@writer /outline`), which routes a custom command two roles define. Lowercase.
   */
  target?: string;
}

/** Optional `@handle ` prefix, then `/name` ending at whitespace or the end of the line, then the rest. */
const COMMAND_LINE = /^[ \t]*(?:@([A-Za-z0-9][A-Za-z0-9-]*(?:\[bot\])?)[ \t]+)?(\/[A-Za-z][A-Za-z0-9-]*)(?=[ \t]|$)(.*)$/;
const LEADING_MENTION = /^@([A-Za-z0-9][A-Za-z0-9-]*)[:,]?(?:\s+|$)/;

/**
 * Every command in the text, in order. The text is sanitized first, so hidden HTML comments and invisible
 * characters can neither carry nor disguise a command, and args are what a model may be shown.
 *
 * A command starts a line (after optional whitespace) of Markdown text: lines in fenced or indented code, in
 * blockquotes, or inside an inline code span never command. A `/word` not in `known` (a path such as /usr/bin, a
 * typo) is not a command, and neither is `/approve,` (the name must end at whitespace). Names match without case.
 *
 * For /revise, /teach, /ask and /block the args continue over the following lines until a blank line or the next
 * command; a fenced block opened in that run belongs to it whole, blank lines included, so code in feedback
 * survives. Other commands take only the rest of their line.
 */
export function parseCommands(text: string, known: ReadonlySet<string>): ParsedCommand[] {
  const names = new Set([...known].map((n) => n.toLowerCase()));
  const lines = classifyLines(sanitizeCommentText(text));
  const out: ParsedCommand[] = [];
  for (let i = 0; i < lines.length; i++) {
    const head = commandAt(lines[i]!, names);
    if (!head) continue;
    const command: ParsedCommand = { name: head.name, args: head.rest.trim(), line: i + 1, ...(head.target ? { target: head.target } : {}) };
    if (MULTILINE_COMMANDS.has(head.name)) {
      const more = continuation(lines, i + 1, names);
      command.args = [command.args, ...more].join("\n").trim();
      i += more.length;
    }
    if (ROLE_ADDRESSED_COMMANDS.has(head.name) && !command.target) {
      const m = LEADING_MENTION.exec(command.args);
      if (m) {
        command.target = m[1]!.toLowerCase();
        command.args = command.args.slice(m[0].length).trim();
      }
    }
    out.push(command);
  }
  return out;
}

/** The lines after a multi-line command that still belong to it. */
function continuation(lines: readonly MarkdownLine[], from: number, names: ReadonlySet<string>): string[] {
  const more: string[] = [];
  for (let j = from; j < lines.length; j++) {
    const l = lines[j]!;
    if (l.kind === "blank" || commandAt(l, names)) break;
    more.push(l.text);
    if (l.kind !== "fence") continue;
    // A fence opened here: take its content (which may hold blank lines) and its closing fence, if any.
    while (j + 1 < lines.length && lines[j + 1]!.kind === "code") more.push(lines[++j]!.text);
    if (j + 1 < lines.length && lines[j + 1]!.kind === "fence") more.push(lines[++j]!.text);
  }
  return more;
}

interface CommandHead {
  name: string;
  rest: string;
  target?: string;
}

function commandAt(line: MarkdownLine, names: ReadonlySet<string>): CommandHead | undefined {
  if (line.kind !== "text" || line.inCodeSpan) return undefined;
  const m = COMMAND_LINE.exec(line.text);
  if (!m) return undefined;
  const name = m[2]!.toLowerCase();
  if (!names.has(name)) return undefined;
  return { name, rest: m[3]!, ...(m[1] ? { target: m[1].toLowerCase() } : {}) };
}
