import { describe, expect, it } from "vitest";
import { parseAssemblySummary } from "./assembly-summary.ts";

describe("parseAssemblySummary", () => {
  it("reads back what execute-assembly writes: title dropped, summary, open questions", () => {
    const file = "# Alpha: summary for the Director\n\nThe explainer is done.\n\nIt cites five sources.\n\n## Open questions\n- Ship on Monday?\n- Which logo?\n";
    expect(parseAssemblySummary(file)).toEqual({ text: "The explainer is done.\n\nIt cites five sources.", openQuestions: ["Ship on Monday?", "Which logo?"] });
  });

  it("a summary without questions, CRLF line ends, or no file at all", () => {
    expect(parseAssemblySummary("# T\r\n\r\nAll good.\r\n")).toEqual({ text: "All good.", openQuestions: [] });
    expect(parseAssemblySummary(undefined)).toEqual({ text: "", openQuestions: [] });
  });
});
