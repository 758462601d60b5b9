// Object ids computed here, as git computes them: the hash (sha1, or sha256 in a sha256 repository) of
// "<type> <size>\0" followed by the content. A commit is then written without waiting for git to say an id: every
// new object is named before the first one is sent, and git's answers are only checked against these.
import { createHash } from "node:crypto";

export type ObjectFormat = "sha1" | "sha256";

export type WritableType = "blob" | "tree" | "commit";

export function objectId(format: ObjectFormat, type: WritableType, content: Uint8Array): string {
  return createHash(format).update(`${type} ${content.length}\0`).update(content).digest("hex");
}

/** The object format an id belongs to, told by its length. */
export const formatOfId = (oid: string): ObjectFormat => (oid.length === 64 ? "sha256" : "sha1");
