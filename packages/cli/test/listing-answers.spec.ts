/**
 * A listing page answered with something that is not a listing never reads as the end of the
 * listing (review-list F1, F2): a proxy in front of each protocol emulator answers the object
 * listing's second page with
 * - `error200`: 200 and the provider's error document (`<Error>` InternalError; QingStor
 *   `{"code":"internal_server_error"}`), as a gateway or a COS-style 200 error does;
 * - `other200`: 200 and a document that is no listing (`<Other/>`; QingStor `{}`);
 * - `404`: 404 NoSuchBucket (`bucket_not_exists`), which the CLI's walk used to take for the end.
 * The library's listing then fails (after its retries) instead of ending short, a single such
 * answer is retried and the listing is whole, and `stowage sync --delete` from the source fails
 * and deletes nothing (it used to delete every destination file past the first page, exit 0).
 * In process (`main`), against the emulators on 127.0.0.1.
 */
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { isStorageError, newStorager, type Storager } from "@stowage/core";
import { writeTree } from "./helpers.js";
import { useWorkspace } from "./workspace.js";
import { useEmulator } from "./emulators.js";
import { inProcess } from "./cli-run.js";

type Provider = "cos" | "oss" | "qingstor";
type Mode = "error200" | "other200" | "404";

const BUCKET: Record<Provider, string> = { cos: "lst-1250000000", oss: "lst-bucket", qingstor: "lst-bucket" };
const QUICK_RETRIES = "&retry_base_delay=1ms&retry_max_delay=2ms&max_retries=2";
/** More than one 1,000-key page, so a sync's listing of the source has a second page. */
const SYNCED = 1_003;

/** What the proxy answers instead of a second page: status, content type, body. */
function sabotage(provider: Provider, mode: Mode): { status: number; type: string; body: string } {
  const xml = (root: string): string => `<?xml version="1.0" encoding="UTF-8"?>${root}`;
  if (provider === "qingstor") {
    const type = "application/json";
    if (mode === "404") return { status: 404, type, body: JSON.stringify({ code: "bucket_not_exists", message: "The bucket does not exist", request_id: "r1" }) };
    if (mode === "other200") return { status: 200, type, body: "{}" };
    return { status: 200, type, body: JSON.stringify({ code: "internal_server_error", message: "We encountered an internal error", request_id: "r1" }) };
  }
  const type = "application/xml";
  if (mode === "404") return { status: 404, type, body: xml("<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist.</Message><RequestId>r1</RequestId></Error>") };
  if (mode === "other200") return { status: 200, type, body: xml("<Other><IsTruncated>false</IsTruncated></Other>") };
  return { status: 200, type, body: xml("<Error><Code>InternalError</Code><Message>We encountered an internal error.</Message><RequestId>r1</RequestId></Error>") };
}

/** A reverse proxy to `target` that answers object listings after the first page as `armed` says (`times` of them; then passes them on). */
async function startSabotage(provider: Provider, target: URL) {
  const state = { mode: undefined as Mode | undefined, times: Infinity, sabotaged: 0 };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const q = url.searchParams;
    const objectListing = req.method === "GET" && q.has("prefix") && !q.has("uploads");
    const laterPage = q.has("marker") || q.has("continuation-token");
    if (state.mode !== undefined && objectListing && laterPage && state.sabotaged < state.times) {
      state.sabotaged++;
      const answer = sabotage(provider, state.mode);
      req.resume();
      res.writeHead(answer.status, { "content-type": answer.type, "content-length": Buffer.byteLength(answer.body) });
      res.end(answer.body);
      return;
    }
    const up = http.request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    up.on("error", (e) => res.destroy(e));
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    arm(mode: Mode | undefined, times = Infinity): void {
      Object.assign(state, { mode, times, sabotaged: 0 });
    },
    get sabotaged(): number {
      return state.sabotaged;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function keys(items: AsyncIterable<{ path: string }>): Promise<string[]> {
  const out: string[] = [];
  for await (const o of items) out.push(o.path);
  return out;
}


const ws = useWorkspace({ prefix: "stowage-listing-" });

describe.each(["cos", "oss", "qingstor"] as const)("%s: a listing page that is no listing", (provider) => {
  let proxy: Awaited<ReturnType<typeof startSabotage>>;
  const emu = useEmulator({ provider, buckets: [BUCKET[provider]] });
  let proxied: string;
  let store: Storager;
  const run = inProcess(ws, { env: () => ({ STOWAGE_PROFILE_E: proxied }) });

  beforeAll(async () => {
    proxy = await startSabotage(provider, new URL(emu.emulator.endpoint));
    const direct = emu.emulator.connectionString(BUCKET[provider]);
    proxied = direct.replace(/endpoint=http:127\.0\.0\.1:\d+/, `endpoint=http:127.0.0.1:${proxy.port}`) + QUICK_RETRIES;
    expect(proxied).not.toBe(direct + QUICK_RETRIES);
    const writer = newStorager(direct);
    const names = [...Array.from({ length: 25 }, (_, i) => `f/k${String(i).padStart(2, "0")}`), ...Array.from({ length: SYNCED }, (_, i) => `src/k${String(i).padStart(5, "0")}`)];
    for (let i = 0; i < names.length; i += 100) await Promise.all(names.slice(i, i + 100).map((k) => writer.write(k, "v")));
    store = newStorager(proxied);
  });

  afterAll(async () => {
    await proxy?.stop();
  });

  it("the library's listing fails (after its retries) instead of ending short, whatever the 200 holds", async () => {
    for (const mode of ["error200", "other200"] as const) {
      proxy.arm(mode);
      const error = await keys(store.list("f/", { mode: "prefix", limit: 10 })).catch((e: unknown) => e);
      expect(isStorageError(error)).toBe(true);
      expect((error as { code: string }).code).toBe(mode === "error200" ? "ServiceInternal" : "Unexpected");
      // The first try and two retries.
      expect(proxy.sabotaged).toBe(3);
    }
    proxy.arm(undefined);
  });

  it("a single such answer is retried, and the listing is whole", async () => {
    for (const mode of ["error200", "other200"] as const) {
      proxy.arm(mode, 1);
      const listed = await keys(store.list("f/", { mode: "prefix", limit: 10 }));
      expect(proxy.sabotaged).toBe(1);
      expect(listed).toEqual(Array.from({ length: 25 }, (_, i) => `f/k${String(i).padStart(2, "0")}`));
    }
    proxy.arm(undefined);
  });

  it("sync --delete from that source fails and deletes nothing (error in a 200, or a 404 past the first page)", async () => {
    const dst = join(ws.work, `${provider}-dst`);
    const tree: Record<string, string> = {};
    for (let i = 0; i < SYNCED; i++) tree[`k${String(i).padStart(5, "0")}`] = "v";
    await writeTree(dst, tree);
    for (const mode of ["error200", "404"] as const) {
      proxy.arm(mode);
      const sync = await run(["sync", "--delete", "e:src/", `${dst}/`]);
      expect(proxy.sabotaged).toBeGreaterThan(0);
      expect(sync.code).not.toBe(0);
      expect(sync.stderr).not.toMatch(/deleted [1-9]/);
      expect((await readdir(dst)).length).toBe(SYNCED);
    }
    proxy.arm(undefined);
    // The same sync through a well-behaved proxy: nothing to copy, nothing to delete.
    const clean = await run(["sync", "--delete", "e:src/", `${dst}/`]);
    expect(clean.code).toBe(0);
    expect((await readdir(dst)).length).toBe(SYNCED);
  });
});
