// Objects written straight into the object directory, exactly as git writes a loose object: the zlib-deflated
// "<type> <size>\0" + content at objects/<first 2 hex digits>/<the rest>, through a temporary `tmp_obj_*` file beside
// it (git gc removes one left by a killed process) that is renamed into place, so no reader ever sees half an object.
// This is what `hash-object -w` and `mktree` do for us otherwise, minus a round trip through a process per commit.
//
// Only used where git itself would do nothing more: no shared-repository permissions to apply, no fsync asked for,
// no second object format to keep a mapping for (see objectSettings). Everywhere else the processes write.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { deflate, deflateSync } from "node:zlib";
import type { WritableType } from "./object-id.ts";

const deflateAsync = promisify(deflate);

/** Larger contents are compressed and written off the main thread. */
const SYNC_BYTES = 256 * 1024;

export interface LooseObjects {
  /** Stores the object under `oid`, which the caller computed from exactly this type and content. */
  write(oid: string, type: WritableType, content: Uint8Array): Promise<void>;
}

/** The settings git reads before writing a loose object, from `git config` (keys lowercased). */
export interface ObjectSettings {
  /** zlib level: core.looseCompression, else core.compression, else 1; -1 is zlib's default. */
  level: number;
  /** Why git must write objects itself here; undefined when writing them directly is what git would do. */
  gitOnly: string | undefined;
}

const FALSE = /^(false|no|off|0|umask)$/i;

/** What the repository's configuration asks of an object write (pure: config entries in, decision out). */
export function objectSettings(config: ReadonlyMap<string, string>, platform: NodeJS.Platform = process.platform): ObjectSettings {
  const shared = config.get("core.sharedrepository");
  const gitOnly =
    // On Windows a read-only object cannot be replaced by a rename, and Git for Windows syncs objects by default.
    platform === "win32"
      ? "Windows"
      : shared !== undefined && !FALSE.test(shared)
      ? "core.sharedRepository"
      : config.has("core.fsync") || (config.has("core.fsyncobjectfiles") && !FALSE.test(config.get("core.fsyncobjectfiles")!))
        ? "fsync"
        : config.has("extensions.compatobjectformat")
          ? "extensions.compatObjectFormat"
          : undefined;
  const level = Number(config.get("core.loosecompression") ?? config.get("core.compression") ?? 1);
  return { level: Number.isInteger(level) && level >= -1 && level <= 9 ? level : 1, gitOnly };
}

export function createLooseObjects(objectsDir: string, level: number): LooseObjects {
  const zlib = { level };
  // Unique per writer and per object: a name a killed process left behind is never reused.
  const prefix = `tmp_obj_${randomBytes(4).toString("hex")}_`;
  let count = 0;

  const header = (type: WritableType, content: Uint8Array) => Buffer.from(`${type} ${content.length}\0`, "latin1");

  /** Exclusive creation, mode 0444, as git's mkstemp for objects; the fan-out directory is made on first need. */
  function create(dir: string, tmp: string, data: Uint8Array): void {
    try {
      writeFileSync(tmp, data, { mode: 0o444, flag: "wx" });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
      mkdirSync(dir, { recursive: true });
      writeFileSync(tmp, data, { mode: 0o444, flag: "wx" });
    }
  }

  return {
    // Synchronous below SYNC_BYTES: a small object costs a handful of system calls, and sending those through the
    // thread pool costs more than making them (measured by npm run bench). Nothing points at the objects until the
    // caller moves a ref, so their order does not matter (an object a crash left without its children is only
    // dangling, as git fsck says).
    async write(oid, type, content) {
      const raw = Buffer.concat([header(type, content), content]);
      const dir = join(objectsDir, oid.slice(0, 2));
      const tmp = join(dir, `${prefix}${count++}`);
      const file = join(dir, oid.slice(2));
      try {
        if (raw.length <= SYNC_BYTES) create(dir, tmp, deflateSync(raw, zlib));
        else {
          const data = await deflateAsync(raw, zlib);
          await mkdir(dir, { recursive: true });
          await writeFile(tmp, data, { mode: 0o444, flag: "wx" });
        }
      } catch (e) {
        rmSync(tmp, { force: true }); // a write cut short (a full disk) leaves no partial file behind
        throw e;
      }
      place(tmp, file);
    },
  };
}

/** Onto an existing copy too: same name, same content, and its time is refreshed as git's own write does. */
function place(tmp: string, file: string): void {
  try {
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    // Already there (a file system that will not replace it): same name, same content, as git's link() takes EEXIST.
    if (existsSync(file)) return;
    throw e;
  }
}
