import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync, utimesSync } from "node:fs";
import { join } from "node:path";
import { inflateSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLooseObjects, objectSettings } from "./loose-objects.ts";
import { objectId } from "./object-id.ts";
import { parseConfigZ } from "./repo-config.ts";
import { initRepo, isolateGitConfig, tempDirs } from "../../test/support/forge/repos.ts";

const dirs = tempDirs();
beforeAll(() => isolateGitConfig(dirs));
afterAll(() => dirs.cleanup());

const git = (dir: string, ...args: string[]): string => execFileSync("git", args, { cwd: dir, encoding: "utf8" }).trim();

describe("objectSettings", () => {
  const of = (entries: Record<string, string>) => objectSettings(new Map(Object.entries(entries)));
  it("writes objects itself only where git would do nothing more", () => {
    expect(of({})).toEqual({ level: 1, gitOnly: undefined });
    expect(of({ "core.sharedrepository": "false" }).gitOnly).toBeUndefined();
    expect(of({ "core.sharedrepository": "umask" }).gitOnly).toBeUndefined();
    expect(of({ "core.sharedrepository": "group" }).gitOnly).toBe("core.sharedRepository");
    expect(of({ "core.sharedrepository": "0660" }).gitOnly).toBe("core.sharedRepository");
    expect(of({ "core.fsync": "loose-object" }).gitOnly).toBe("fsync");
    expect(of({ "core.fsyncobjectfiles": "" }).gitOnly).toBe("fsync"); // a key without a value is true
    expect(of({ "core.fsyncobjectfiles": "false" }).gitOnly).toBeUndefined();
    expect(of({ "extensions.compatobjectformat": "sha256" }).gitOnly).toBe("extensions.compatObjectFormat");
    expect(objectSettings(new Map(), "win32").gitOnly).toBe("Windows");
  });
  it("takes the compression level git would: loose, else core, else 1", () => {
    expect(of({ "core.compression": "9" }).level).toBe(9);
    expect(of({ "core.compression": "9", "core.loosecompression": "0" }).level).toBe(0);
    expect(of({ "core.loosecompression": "-1" }).level).toBe(-1);
    expect(of({ "core.loosecompression": "12" }).level).toBe(1);
  });
});

describe("parseConfigZ", () => {
  it("reads key/value records, a key without value as empty, keys lower-cased, the last value winning", () => {
    expect([...parseConfigZ("user.name\nAda Lovelace\0core.fsyncObjectFiles\0user.name\nAda\0i18n.commitencoding\nline one\nline two\0")]).toEqual([
      ["user.name", "Ada"],
      ["core.fsyncobjectfiles", ""],
      ["i18n.commitencoding", "line one\nline two"],
    ]);
  });
});

describe("createLooseObjects", () => {
  it("writes objects git reads back, at the level asked; writing one again refreshes it", async () => {
    const dir = await dirs.make();
    await initRepo(dir);
    const objects = join(dir, ".git", "objects");
    const content = Buffer.from("hello loose\n");
    const oid = objectId("sha1", "blob", content);
    expect(oid).toBe(execFileSync("git", ["hash-object", "--stdin"], { cwd: dir, input: content, encoding: "utf8" }).trim());
    await createLooseObjects(objects, 9).write(oid, "blob", content);
    expect(git(dir, "cat-file", "-p", oid)).toBe("hello loose");
    const file = join(objects, oid.slice(0, 2), oid.slice(2));
    const stored = readFileSync(file);
    expect(stored[1]).toBe(0xda); // zlib header of level 9
    expect(inflateSync(stored).toString()).toBe(`blob ${content.length}\0hello loose\n`);
    expect(statSync(file).mode & 0o777).toBe(0o444);
    // Written again: the same object, its time refreshed (as git's freshen does), so gc's grace period counts from now.
    const old = new Date(Date.now() - 86_400_000);
    utimesSync(file, old, old);
    await createLooseObjects(objects, 1).write(oid, "blob", content);
    expect(inflateSync(readFileSync(file)).toString()).toBe(`blob ${content.length}\0hello loose\n`);
    expect(statSync(file).mtimeMs).toBeGreaterThan(old.getTime() + 1000);
    expect(readdirSync(join(objects, oid.slice(0, 2)))).toEqual([oid.slice(2)]); // no temporary file left
    expect(git(dir, "fsck", "--strict", "--no-dangling")).toBe("");
  });

  it("writes large content off the main thread, with the same result", async () => {
    const dir = await dirs.make();
    await initRepo(dir);
    const content = Buffer.alloc(1024 * 1024, "abcdefgh\n");
    const oid = objectId("sha1", "blob", content);
    await createLooseObjects(join(dir, ".git", "objects"), 1).write(oid, "blob", content);
    expect(execFileSync("git", ["cat-file", "blob", oid], { cwd: dir, maxBuffer: 4 * content.length }).equals(content)).toBe(true);
  });
});
