// A located problem in the agency's files. Validation collects these and reports them all at once.
import { relative } from "node:path";

export interface Diagnostic {
  /** Absolute path of the offending file (or directory). */
  file: string;
  line: number;
  col: number;
  severity: "error" | "warning";
  message: string;
  /** On the line that closes a capped file ("N more errors … not shown"): how many errors it stands for. */
  hiddenErrors?: number;
}

export function error(file: string, line: number, col: number, message: string): Diagnostic {
  return { file, line, col, severity: "error", message };
}

export function warning(file: string, line: number, col: number, message: string): Diagnostic {
  return { file, line, col, severity: "warning", message };
}

export const hasErrors = (ds: readonly Diagnostic[]): boolean => ds.some((d) => d.severity === "error");

/** Errors found, counting those a capped file only summed up. */
export const countErrors = (ds: readonly Diagnostic[]): number =>
  ds.reduce((n, d) => n + (d.severity !== "error" ? 0 : (d.hiddenErrors ?? 1)), 0);

/** Paths are shown relative to the current directory, as compilers do, so editors can jump to them. */
export function displayPath(file: string, cwd = process.cwd()): string {
  const rel = relative(cwd, file);
  return rel === "" ? "." : rel;
}

/** `agency/roles/writer.yaml:12:5: error: expertise must be an array` */
export function formatDiagnostic(d: Diagnostic, cwd = process.cwd()): string {
  return `${displayPath(d.file, cwd)}:${d.line}:${d.col}: ${d.severity}: ${d.message}`;
}

/** GitHub Actions workflow command; property values and data are escaped as the runner expects. */
export function formatAnnotation(d: Diagnostic, cwd = process.cwd()): string {
  const prop = (s: string) =>
    s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A").replace(/:/g, "%3A").replace(/,/g, "%2C");
  const data = (s: string) => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
  return `::${d.severity} file=${prop(displayPath(d.file, cwd))},line=${d.line},col=${d.col}::${data(d.message)}`;
}

/** Stable order: by file, then position, so output does not depend on read order. */
export function sortDiagnostics(ds: Diagnostic[]): Diagnostic[] {
  return [...ds].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.col - b.col));
}
