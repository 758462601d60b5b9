// status.yaml text: JSON-compatible YAML (a comment header, then indented JSON). One key per line keeps diffs
// reviewable, and the loader reads it with JSON.parse instead of a YAML parser: status files grow with every
// task, and at 2,000 tasks YAML parsing alone would dominate `ateams plan`.
import { redact } from "../secrets/redact.ts";
import type { Status } from "../agency/types.gen.ts";

export const STATUS_HEADER = (schemaRef = "../../../schemas/status.schema.json") =>
  `# yaml-language-server: $schema=${schemaRef}\n# Written by the ateams engine: observed state of this project. Do not edit by hand.\n`;

export function serializeStatus(status: Status, schemaRef?: string): string {
  const { $schema: _drop, ...rest } = status;
  // Condition messages carry provider errors and model text: no secret in them reaches the file.
  return `${STATUS_HEADER(schemaRef)}${redact(JSON.stringify(rest, null, 2))}\n`;
}
