// status.yaml text: stable key order and a $schema line, so diffs between runs stay small and reviewable.
import { stringify } from "yaml";
import type { Status } from "../spec/types.gen.ts";

export const STATUS_HEADER =
  "# yaml-language-server: $schema=../../../schemas/status.schema.json\n# Written by the ateams engine: observed state of this project. Do not edit by hand.\n";

export function serializeStatus(status: Status): string {
  const { $schema: _drop, ...rest } = status;
  return STATUS_HEADER + stringify(rest, { lineWidth: 0, sortMapEntries: false });
}
