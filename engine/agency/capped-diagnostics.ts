// Diagnostics are counted in full but located and worded only while a file is under its cap. A file with thousands
// of problems is one mistake repeated; locating (and suggesting a spelling for) every one of them made validation
// time grow with the square of the file's size.
import { error, warning, type Diagnostic } from "./diagnostic.ts";

/** Problems shown per file; the rest are counted in one closing line. */
export const MAX_DIAGNOSTICS_PER_FILE = 50;

/** A problem found but not yet placed: `locate` and `message` run only if it is shown. */
export interface PendingDiagnostic {
  severity: "error" | "warning";
  file: string;
  locate: () => readonly [number, number];
  message: () => string;
}

/**
 * Located diagnostics, at most `limit` per file (errors before warnings), each file's hidden ones summed up in one
 * line placed after the last one shown. Identical shown diagnostics (same place and words) are kept once.
 */
export function settleDiagnostics(pending: Iterable<PendingDiagnostic>, limit = MAX_DIAGNOSTICS_PER_FILE): Diagnostic[] {
  const byFile = new Map<string, { shown: Diagnostic[]; seen: Set<string>; hiddenErrors: number; hiddenWarnings: number }>();
  const all = [...pending];
  const ordered = [...all.filter((p) => p.severity === "error"), ...all.filter((p) => p.severity === "warning")];
  for (const p of ordered) {
    let f = byFile.get(p.file);
    if (!f) byFile.set(p.file, (f = { shown: [], seen: new Set(), hiddenErrors: 0, hiddenWarnings: 0 }));
    if (f.shown.length >= limit) {
      if (p.severity === "error") f.hiddenErrors++;
      else f.hiddenWarnings++;
      continue;
    }
    const [line, col] = p.locate();
    const message = p.message();
    const key = `${line}:${col}:${p.severity}:${message}`;
    if (f.seen.has(key)) continue;
    f.seen.add(key);
    f.shown.push(p.severity === "error" ? error(p.file, line, col, message) : warning(p.file, line, col, message));
  }
  const out: Diagnostic[] = [];
  for (const [file, f] of byFile) {
    out.push(...f.shown);
    const summary = hiddenSummary(f.hiddenErrors, f.hiddenWarnings);
    if (!summary) continue;
    const last = f.shown.reduce((a, b) => (b.line > a.line || (b.line === a.line && b.col > a.col) ? b : a));
    out.push(f.hiddenErrors ? { ...error(file, last.line, last.col, summary), hiddenErrors: f.hiddenErrors } : warning(file, last.line, last.col, summary));
  }
  return out;
}

function hiddenSummary(errors: number, warnings: number): string | undefined {
  const n = (k: number, word: string) => `${k} more ${word}${k === 1 ? "" : "s"}`;
  if (errors && warnings) return `${n(errors, "error")} and ${n(warnings, "warning")} in this file not shown`;
  if (errors) return `${n(errors, "error")} in this file not shown`;
  if (warnings) return `${n(warnings, "warning")} in this file not shown`;
  return undefined;
}
