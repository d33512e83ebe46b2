/**
 * The Content-Type of uploads from local files and stdin: guessed from the name's extension when
 * the destination stores content types and nothing else sets one; `--content-type` and the type a
 * source service reports win; `--no-guess-content-type` turns it off; sync never re-sends an
 * object for its type. On memory (in process) and on the COS emulator (the built binary).
 */
import { beforeAll, describe, expect, it } from "@jest/globals";
import { join } from "node:path";
import { contentTypeOfName } from "../src/transfer/content-type.js";
import { useEmulator } from "./emulators.js";
import { builtSuite, writeTree } from "./helpers.js";
import { useWorkspace } from "./workspace.js";
import { binary, inProcess } from "./cli-run.js";

const FILES = { "index.html": "<p>hi</p>", "data.json": "{}", "img/logo.png": "PNG", "blob.unknownext": "?", README: "read me" };
const GUESSED = { "index.html": "text/html", "data.json": "application/json", "img/logo.png": "image/png" };

const ws = useWorkspace();
const run = inProcess(ws);

/** The Content-Type `stat --json` reports for `loc` (undefined: none). */
async function typeOf(loc: string): Promise<string | undefined> {
  const r = await run(["stat", "--json", loc]);
  expect(r.code).toBe(0);
  return (JSON.parse(r.stdout) as { contentType?: string }).contentType;
}

/** The content types of every file of FILES below memory directory `base`. */
async function typesBelow(base: string): Promise<Record<string, string | undefined>> {
  const out: Record<string, string | undefined> = {};
  for (const name of Object.keys(FILES)) out[name] = await typeOf(base + name);
  return out;
}

beforeAll(async () => {
  await writeTree(join(ws.work, "site"), FILES);
});

describe("content types guessed from names", () => {
  it("maps extensions, ignoring case; no or an unknown extension gives none", () => {
    expect(contentTypeOfName("a/b/Page.HTML")).toBe("text/html");
    expect(contentTypeOfName("x.json")).toBe("application/json");
    expect(["README", ".env", "html", "dir.d/file", "x.", "x.unknownext"].map(contentTypeOfName)).toEqual(Array(6).fill(undefined));
  });

  it("cp -r, sync and mv from local files store the guessed type; unknown extensions store none", async () => {
    const want = { ...GUESSED, "blob.unknownext": undefined, README: undefined };
    expect((await run(["cp", "-r", "site/", "memory://ct1/", "--quiet"])).code).toBe(0);
    expect(await typesBelow("memory://ct1/")).toEqual(want);
    expect((await run(["sync", "site/", "memory://ct2/", "--quiet"])).code).toBe(0);
    expect(await typesBelow("memory://ct2/")).toEqual(want);
    await writeTree(join(ws.work, "moving"), FILES);
    expect((await run(["mv", "-r", "moving/", "memory://ct3/", "--quiet"])).code).toBe(0);
    expect(await typesBelow("memory://ct3/")).toEqual(want);
  });

  it("put of a file guesses from the file's name, put - from the object's; --content-type wins", async () => {
    expect((await run(["put", "site/data.json", "memory://ct4/renamed.bin"])).code).toBe(0);
    expect(await typeOf("memory://ct4/renamed.bin")).toBe("application/json");
    expect((await run(["put", "site/index.html", "memory://ct4/"])).code).toBe(0);
    expect(await typeOf("memory://ct4/index.html")).toBe("text/html");
    expect((await run(["put", "-", "memory://ct4/piped.png"], "PNG")).code).toBe(0);
    expect(await typeOf("memory://ct4/piped.png")).toBe("image/png");
    expect((await run(["put", "-", "memory://ct4/piped.unknownext"], "?")).code).toBe(0);
    expect(await typeOf("memory://ct4/piped.unknownext")).toBeUndefined();
    expect((await run(["put", "site/index.html", "memory://ct4/plain.html", "--content-type", "text/plain"])).code).toBe(0);
    expect(await typeOf("memory://ct4/plain.html")).toBe("text/plain");
    expect((await run(["put", "-", "memory://ct4/typed.html", "--content-type", "text/x-custom"], "x")).code).toBe(0);
    expect(await typeOf("memory://ct4/typed.html")).toBe("text/x-custom");
    // --metadata alone still gets the guessed type.
    expect((await run(["put", "site/index.html", "memory://ct4/meta.html", "--metadata", "k=v"])).code).toBe(0);
    expect(await typeOf("memory://ct4/meta.html")).toBe("text/html");
  });

  it("--no-guess-content-type stores none (put, put -, cp, mv, sync)", async () => {
    const none = Object.fromEntries(Object.keys(FILES).map((k) => [k, undefined]));
    expect((await run(["put", "site/index.html", "memory://ct5/index.html", "--no-guess-content-type"])).code).toBe(0);
    expect(await typeOf("memory://ct5/index.html")).toBeUndefined();
    expect((await run(["put", "-", "memory://ct5/piped.html", "--no-guess-content-type"], "x")).code).toBe(0);
    expect(await typeOf("memory://ct5/piped.html")).toBeUndefined();
    expect((await run(["cp", "-r", "site/", "memory://ct6/", "--no-guess-content-type", "--quiet"])).code).toBe(0);
    expect(await typesBelow("memory://ct6/")).toEqual(none);
    expect((await run(["cp", "site/data.json", "memory://ct6/one.json", "--no-guess-content-type"])).code).toBe(0);
    expect(await typeOf("memory://ct6/one.json")).toBeUndefined();
    expect((await run(["sync", "site/", "memory://ct7/", "--no-guess-content-type", "--quiet"])).code).toBe(0);
    expect(await typesBelow("memory://ct7/")).toEqual(none);
    await writeTree(join(ws.work, "moving2"), FILES);
    expect((await run(["mv", "-r", "moving2/", "memory://ct8/", "--no-guess-content-type", "--quiet"])).code).toBe(0);
    expect(await typesBelow("memory://ct8/")).toEqual(none);
  });

  it("sync does not compare types: a re-run, with or without guessing, copies nothing", async () => {
    expect((await run(["sync", "site/", "memory://ct9/", "--quiet"])).code).toBe(0);
    const again = await run(["sync", "site/", "memory://ct9/", "--stats-json", "--quiet"]);
    expect(JSON.parse(again.stdout)).toMatchObject({ objects: { copied: 0, skipped: 5 } });
    // Synced without types first (ct7), then with guessing on: still nothing to copy.
    const guessing = await run(["sync", "site/", "memory://ct7/", "--stats-json", "--quiet"]);
    expect(JSON.parse(guessing.stdout)).toMatchObject({ objects: { copied: 0, skipped: 5 } });
    expect(await typeOf("memory://ct7/index.html")).toBeUndefined();
  });

  it("a copy between services keeps the source's type (or its lack of one), never a guess", async () => {
    expect((await run(["put", "-", "memory://cts/odd.html", "--content-type", "application/x-odd"], "x")).code).toBe(0);
    expect((await run(["put", "-", "memory://cts/bare.html", "--no-guess-content-type"], "y")).code).toBe(0);
    // Another named store: not one account, so streamed.
    expect((await run(["cp", "memory://cts/odd.html", "memory://ctd/odd.html"])).code).toBe(0);
    expect(await typeOf("memory://ctd/odd.html")).toBe("application/x-odd");
    expect((await run(["cp", "-r", "memory://cts/", "memory://ctt/", "--quiet"])).code).toBe(0);
    expect([await typeOf("memory://ctt/odd.html"), await typeOf("memory://ctt/bare.html")]).toEqual(["application/x-odd", undefined]);
    // Within one store: the service copies it, type and all.
    expect((await run(["cp", "memory://cts/odd.html", "memory://cts/copy.html"])).code).toBe(0);
    expect(await typeOf("memory://cts/copy.html")).toBe("application/x-odd");
  });
});

const suite = builtSuite(["cos"]);
const BUCKET = "ctype-1250000000";

suite("content types on the COS emulator (the built binary)", () => {
  const cosWs = useWorkspace({ linkCosDriver: true });
  const emu = useEmulator({ provider: "cos", buckets: [BUCKET] });
  const bin = binary(cosWs);
  /** The binary with profile `emu` on `dir` of the bucket. */
  const cli = (args: string[], dir: string, stdin?: string) => bin(args, { env: { STOWAGE_PROFILE_EMU: emu.emulator.connectionString(BUCKET, dir) }, ...(stdin === undefined ? {} : { stdin }) });
  const cosType = async (path: string, dir: string): Promise<string | undefined> => {
    const r = await cli(["stat", "--json", `emu:${path}`], dir);
    expect(r.code).toBe(0);
    return (JSON.parse(r.stdout) as { contentType?: string }).contentType;
  };

  beforeAll(async () => {
    await writeTree(join(cosWs.work, "site"), FILES);
  });


  it("sync sends the guessed types (COS answers its default for the rest); a re-run copies nothing", async () => {
    expect((await cli(["sync", "site", "emu:", "--quiet"], "/up/")).code).toBe(0);
    for (const [name, type] of Object.entries(GUESSED)) expect([name, await cosType(name, "/up/")]).toEqual([name, type]);
    // Nothing sent: the service's default.
    expect(await cosType("blob.unknownext", "/up/")).toBe("application/octet-stream");
    expect(await cosType("README", "/up/")).toBe("application/octet-stream");
    const again = await cli(["sync", "site", "emu:", "--stats-json", "--quiet"], "/up/");
    expect(JSON.parse(again.stdout)).toMatchObject({ objects: { copied: 0, skipped: 5 } });
  });

  it("--content-type wins; --no-guess-content-type sends none", async () => {
    expect((await cli(["put", "site/index.html", "emu:typed.html", "--content-type", "text/plain"], "/put/")).code).toBe(0);
    expect(await cosType("typed.html", "/put/")).toBe("text/plain");
    expect((await cli(["put", "-", "emu:piped.json"], "/put/", "{}")).code).toBe(0);
    expect(await cosType("piped.json", "/put/")).toBe("application/json");
    expect((await cli(["cp", "-r", "site/", "emu:", "--no-guess-content-type", "--quiet"], "/plain/")).code).toBe(0);
    expect(await cosType("index.html", "/plain/")).toBe("application/octet-stream");
  });

  it("a streamed copy from the service keeps the type COS reports, not one its new name suggests", async () => {
    expect((await cli(["put", "-", "emu:odd.html", "--content-type", "application/x-odd"], "/svc/", "x")).code).toBe(0);
    expect((await cli(["cp", "--no-server-side", "emu:odd.html", "emu:copy/odd.txt"], "/svc/")).code).toBe(0);
    expect(await cosType("copy/odd.txt", "/svc/")).toBe("application/x-odd");
  });
});
