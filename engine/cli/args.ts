// Flag parsing on node:util parseArgs, turning its errors into UsageError (exit 2).
import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "./io.ts";

export type Options = NonNullable<ParseArgsConfig["options"]>;

export const COMMON_OPTIONS = {
  agency: { type: "string", default: "agency" },
  help: { type: "boolean", short: "h", default: false },
} as const satisfies Options;

export function parse<O extends Options>(argv: string[], options: O, maxPositionals = 0) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/\. To specify a positional.*$/s, ""));
  }
  if (parsed.positionals.length > maxPositionals) {
    throw new UsageError(`unexpected argument '${parsed.positionals[maxPositionals]}'`);
  }
  return parsed;
}
