// The PM's summary for the Director, read back from `outputs/SUMMARY.md` on the assembly branch, so the assembly PR
// can show it without keeping the model's reply anywhere else. The file is written by run/execute-assembly.ts as a
// title line, the summary, and an optional "## Open questions" list; this is its inverse.

export interface AssemblySummary {
  text: string;
  openQuestions: string[];
}

const QUESTIONS = /^##\s+Open questions\s*$/im;

export function parseAssemblySummary(markdown: string | undefined): AssemblySummary {
  if (!markdown) return { text: "", openQuestions: [] };
  const lines = markdown.replace(/\r\n/g, "\n").split("\n");
  // The title ("# <project>: summary for the Director") repeats what the PR heading already says.
  if (/^#\s/.test(lines[0] ?? "")) lines.shift();
  const body = lines.join("\n");
  const at = body.search(QUESTIONS);
  if (at === -1) return { text: body.trim(), openQuestions: [] };
  const questions = body
    .slice(at)
    .split("\n")
    .slice(1)
    .map((l) => /^\s*[-*]\s+(.*\S)\s*$/.exec(l)?.[1])
    .filter((q): q is string => q !== undefined);
  return { text: body.slice(0, at).trim(), openQuestions: questions };
}
