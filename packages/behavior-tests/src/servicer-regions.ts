import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, jest } from "@jest/globals";
import { UNLISTED_BUCKETS_WARNING, type Servicer, type Storager } from "@stowage/core";

/** The names of the buckets `servicer.list()` gives, in its order. */
export async function bucketNames(servicer: Servicer): Promise<string[]> {
  const out: string[] = [];
  for await (const s of servicer.list()) out.push(s.info.name);
  return out;
}

/**
 * Checks that `store` reports `location` and reaches its bucket there: `name` is written, read
 * back byte-exact and deleted.
 * @throws nothing itself; fails the case on any StorageError.
 */
export async function checkStoragerReaches(store: Storager, location: string, name = "probe.txt"): Promise<void> {
  expect(store.info.location).toBe(location);
  await store.write(name, store.info.name);
  expect((await store.read(name)).toString()).toBe(store.info.name);
  await store.delete(name);
}

/**
 * Checks that every storager `servicer.list()` gives reports `regionOf(its bucket's name)` and
 * reaches its bucket there ({@link checkStoragerReaches}), and returns the names listed.
 * @throws nothing itself; fails the case on any StorageError.
 */
export async function checkListedStoragers(servicer: Servicer, regionOf: (name: string) => string): Promise<string[]> {
  const listed: string[] = [];
  for await (const store of servicer.list()) {
    listed.push(store.info.name);
    await checkStoragerReaches(store, regionOf(store.info.name));
  }
  return listed;
}

/**
 * Checks that `servicer.delete` refuses each of `names` with `InvalidArgument` (op
 * `servicer_delete`), and `ak:SECRET@<bucket>` with `InvalidArgument` whose path is `***@<bucket>`
 * and whose message never holds `SECRET`. Whether anything was sent is the caller's to check (the
 * emulator's request counters).
 * @throws nothing itself; fails the case when a delete resolves or rejects otherwise.
 */
export async function checkDeleteRefusesNames(servicer: Servicer, names: readonly string[], bucket: string): Promise<void> {
  for (const name of names) {
    await expect(servicer.delete(name)).rejects.toMatchObject({ code: "InvalidArgument", op: "servicer_delete" });
  }
  const e = await servicer.delete(`ak:SECRET@${bucket}`).catch((err: unknown) => err as Error & { path?: string });
  expect(e).toMatchObject({ code: "InvalidArgument", path: `***@${bucket}` });
  expect(e!.message).not.toContain("SECRET");
}

/** A GET Service answer (`ListAllMyBucketsResult`, as COS and OSS send it) listing `buckets` (name, location). */
export function listAllMyBucketsXml(buckets: ReadonlyArray<readonly [string, string]>): string {
  const items = buckets.map(([name, region]) => `<Bucket><Name>${name}</Name><Location>${region}</Location></Bucket>`).join("");
  return `<?xml version="1.0" encoding="UTF-8"?><ListAllMyBucketsResult><Owner><ID>1</ID></Owner><Buckets>${items}</Buckets></ListAllMyBucketsResult>`;
}

/** What {@link checkUnlistedBuckets} lists and expects. */
export interface UnlistedBucketsCase {
  /** The buckets (name, location) the scripted GET Service lists, in order. */
  listed: ReadonlyArray<readonly [string, string]>;
  /** The storagers the servicer gives, as `<name>@<location>`, in order. */
  expected: readonly string[];
  /** Parts the one `STOWAGE_UNLISTED_BUCKETS` warning's message holds. */
  said: readonly string[];
}

/**
 * Against a local server answering every request with {@link listAllMyBucketsXml} of `c.listed`,
 * checks that the servicer `open(port)` builds lists exactly `c.expected` and leaves the others out
 * with one process warning of code `STOWAGE_UNLISTED_BUCKETS` holding every part of `c.said`.
 * @throws nothing itself; fails the case on any StorageError.
 */
export async function checkUnlistedBuckets(open: (port: number) => Servicer, c: UnlistedBucketsCase): Promise<void> {
  const warn = jest.spyOn(process, "emitWarning").mockImplementation(() => undefined);
  const server = http.createServer((req, res) => {
    req.resume();
    res.writeHead(200, { "content-type": "application/xml" });
    res.end(listAllMyBucketsXml(c.listed));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const got: string[] = [];
    for await (const s of open((server.address() as AddressInfo).port).list()) got.push(`${s.info.name}@${s.info.location}`);
    expect(got).toEqual(c.expected);
    expect(warn).toHaveBeenCalledTimes(1);
    const [message, options] = warn.mock.calls[0] as [string, { code: string }];
    expect(options.code).toBe(UNLISTED_BUCKETS_WARNING);
    for (const part of c.said) expect(message).toContain(part);
  } finally {
    warn.mockRestore();
    server.close();
  }
}
