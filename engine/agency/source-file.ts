// Reads one spec file defensively: the agency directory is user input and may hold anything.
// Synchronous on purpose: spec files are small and many, and a thread-pool round trip per file costs more than
// the read itself (measured by `npm run bench`).
import { lstatSync, readFileSync, statSync } from "node:fs";
import { error, type Diagnostic } from "./diagnostic.ts";

/** Spec files are small by nature; anything larger is a mistake or an attack, and is refused before reading. */
export const MAX_SPEC_BYTES = 1024 * 1024;

export interface SourceText {
  file: string;
  text: string;
}

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Returns the file's text, or a located diagnostic saying why it cannot be used. Never throws. */
export async function readSourceFile(file: string, maxBytes = MAX_SPEC_BYTES): Promise<SourceText | Diagnostic> {
  let info;
  try {
    info = statSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") {
      const link = tryLstat(file);
      return error(file, 1, 1, link?.isSymbolicLink() ? "is a symbolic link to a missing file" : "file not found");
    }
    if (code === "ELOOP") return error(file, 1, 1, "symbolic link loop");
    if (code === "EACCES" || code === "EPERM") return error(file, 1, 1, "permission denied");
    return error(file, 1, 1, `cannot read file (${code ?? String(e)})`);
  }
  if (info.isDirectory()) return error(file, 1, 1, "is a directory, expected a YAML file");
  if (!info.isFile()) return error(file, 1, 1, "is not a regular file (device, socket or pipe)");
  if (info.size > maxBytes) return error(file, 1, 1, `file is too large (${info.size} bytes; the limit is ${maxBytes})`);
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "EACCES" || code === "EPERM") return error(file, 1, 1, "permission denied");
    return error(file, 1, 1, `cannot read file (${code ?? String(e)})`);
  }
  const nul = bytes.indexOf(0);
  if (nul !== -1) return at(file, bytes, nul, "binary content (NUL byte); expected UTF-8 YAML text");
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return at(file, bytes, firstInvalidUtf8(bytes), "is not valid UTF-8 text");
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === "") return error(file, 1, 1, "file is empty");
  return { file, text };
}

function tryLstat(file: string) {
  try {
    return lstatSync(file);
  } catch {
    return undefined;
  }
}

function at(file: string, bytes: Buffer, offset: number, message: string): Diagnostic {
  const before = bytes.subarray(0, offset);
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < before.length; i++) {
    if (before[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return error(file, line, offset - lineStart + 1, message);
}

function firstInvalidUtf8(bytes: Buffer): number {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    const len = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (len === 0) return i;
    for (let j = 1; j < len; j++) if (((bytes[i + j] ?? 0) & 0xc0) !== 0x80) return i;
    i += len - 1;
  }
  return 0;
}
