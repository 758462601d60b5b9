// Objects written straight into the object directory, exactly as git writes a loose object: the zlib-deflated
// "<type> <size>\0" + content at objects/<first 2 hex digits>/<the rest>, through a temporary `tmp_obj_*` file beside
// it (git gc removes one left by a killed process) that is linked into place, so no reader ever sees half an object.
// This is what `hash-object -w` and `mktree` do for us otherwise, minus a round trip through a process per commit.
//
// Only used where git itself would do nothing more: no shared-repository permissions to apply, no fsync asked for,
// no second object format to keep a mapping for (see objectSettings). Everywhere else the processes write.
import { randomBytes } from "node:crypto";
import { linkSync, mkdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { deflate, deflateSync } from "node:zlib";
import type { WritableType } from "./object-id.ts";

const deflateAsync = promisify(deflate);

/** Larger contents are compressed and written off the main thread. */
const SYNC_BYTES = 256 * 1024;

export interface LooseObjects {
  /** Stores the object under `oid`, which the caller computed from exactly this type and content. */
  write(oid: string, type: WritableType, content: Uint8Array): Promise<void> | undefined;
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
export function objectSettings(config: ReadonlyMap<string, string>): ObjectSettings {
  const shared = config.get("core.sharedrepository");
  const gitOnly =
    shared !== undefined && !FALSE.test(shared)
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
  const dirs = new Set<string>();
  const zlib = { level };

  function place(oid: string): { dir: string; file: string } | undefined {
    const dir = join(objectsDir, oid.slice(0, 2));
    const file = join(dir, oid.slice(2));
    // An object that is there already is kept, only refreshed, as git's own write does.
    if (statSync(file, { throwIfNoEntry: false })) {
      const now = new Date();
      try {
        utimesSync(file, now, now);
      } catch {
        // someone else's read-only object: it exists, which is all that matters
      }
      return undefined;
    }
    if (!dirs.has(dir)) {
      mkdirSync(dir, { recursive: true });
      dirs.add(dir);
    }
    return { dir, file };
  }

  function finish(tmp: string, file: string): void {
    try {
      linkSync(tmp, file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // EEXIST: written meanwhile by someone else, with the same content by definition of its name.
      if (code !== "EEXIST") renameSync(tmp, file); // no hard links on this file system: rename, as git falls back to
    } finally {
      rmSync(tmp, { force: true });
    }
  }

  const header = (type: WritableType, content: Uint8Array) => Buffer.from(`${type} ${content.length}\0`, "latin1");
  const tmpName = (dir: string) => join(dir, `tmp_obj_${randomBytes(6).toString("base64url")}`);

  return {
    write(oid, type, content) {
      const at = place(oid);
      if (!at) return undefined;
      const raw = Buffer.concat([header(type, content), content]);
      const tmp = tmpName(at.dir);
      if (raw.length <= SYNC_BYTES) {
        // mode 0444 and exclusive creation, as git's mkstemp for objects.
        writeFileSync(tmp, deflateSync(raw, zlib), { mode: 0o444, flag: "wx" });
        finish(tmp, at.file);
        return undefined;
      }
      return (async () => {
        await writeFile(tmp, await deflateAsync(raw, zlib), { mode: 0o444, flag: "wx" });
        finish(tmp, at.file);
      })();
    },
  };
}
