import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { newServicer, type Servicer } from "@stowage/core";
import { collect } from "./fixtures.js";
import { emulatorServicer, type EmulatorKeys, type ServiceEmulator } from "./service-emulator.js";

/** Three retries, 1–2 ms apart: a lost answer is retried at once. */
const QUICK = "&retry_base_delay=1ms&retry_max_delay=2ms&max_retries=3";

/** What the cases of {@link runBucketLostAnswerSuite} share with a driver's own ({@link BucketLostAnswerOptions.more}). */
export interface BucketLostAnswerContext {
  /** The running emulator (set in `beforeAll`). */
  readonly emulator: ServiceEmulator;
  /** A servicer on it with its first credential, retrying 3 times 1–2 ms apart. */
  readonly servicer: Servicer;
  /** Another such servicer, signing with `keys` (one more credential the emulator was started with). */
  open(keys: EmulatorKeys): Servicer;
}

/** A service that refuses a create it may have done, answered by a scripted server (see {@link BucketLostAnswerOptions.unreachable}). */
export interface UnreachableBucketScript {
  /** The request that checks whether the caller owns the bucket ("GetBucketInfo", "HeadBucket"), for case names. */
  probe: string;
  /** The service's codes of the first answer (a 500) and of the probe's refusal (a 403). */
  codes: { internal: string; denied: string };
  /** The service's error answer for `code`, with request id `requestId`, to a request of `method`. */
  errorBody(code: string, requestId: string, method: string): { contentType: string; body?: string };
  /** The requests ("METHOD /path") the driver must send: create, its retry, the probe. */
  requests: string[];
}

/** Provider-specific values of {@link runBucketLostAnswerSuite}. */
export interface BucketLostAnswerOptions {
  /** The connection-string type ("cos"), also the first word of describe names. */
  provider: string;
  /** The service's names of the bucket create and delete calls ("PutBucket", "DeleteBucket"), for case names. */
  calls: { create: string; delete: string };
  /** The service's error codes for a bucket that exists ("BucketAlreadyExists") and one that does not ("NoSuchBucket"). */
  codes: { exists: string; missing: string };
  /** The service's spelling of a bucket named `stem` (COS appends the APPID); default: `stem` itself. */
  bucket?: (stem: string) => string;
  /**
   * A create whose answer was lost: what its retry finds (for the case name) and the requests
   * counted by operation, all of them when `only` (else at least these).
   */
  lostCreate: { retry: string; requests: Readonly<Record<string, number>>; only?: boolean };
  /** With no lost answer, a create of `taken` (an existing bucket) and a delete of `missing` send one request and fail. */
  plainRefusals?: { taken: string; missing: string };
  /** A retried create answered `codes.exists` stays Conflict when the probe is refused. */
  unreachable?: UnreachableBucketScript;
  /** Registers the driver's own cases at the end of the first describe. */
  more?: (ctx: BucketLostAnswerContext) => void;
}

/** The names of the buckets `servicer` lists. */
async function bucketNames(servicer: Servicer): Promise<string[]> {
  return (await collect(servicer.list())).map((s) => s.info.name);
}

/** A create retried after a 500 and answered `codes.exists`, whose probe is refused, on a scripted server: still Conflict. */
async function checkUnreachable(o: BucketLostAnswerOptions, script: UnreachableBucketScript): Promise<void> {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      seen.push(`${req.method} ${req.url}`);
      const n = seen.length;
      const error = (status: number, code: string): void => {
        const { contentType, body } = script.errorBody(code, `r${n}`, req.method ?? "");
        res.writeHead(status, { "content-type": contentType });
        res.end(body);
      };
      if (n === 1) error(500, script.codes.internal); // may have acted, as far as the client knows
      else if (n === 2) error(409, o.codes.exists);
      else error(403, script.codes.denied);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const port = (server.address() as AddressInfo).port;
    const remote = newServicer(`${o.provider}://?credential=hmac:ak:sk&endpoint=http:127.0.0.1:${port}${QUICK}`);
    await expect(remote.create("someone-elses")).rejects.toMatchObject({ code: "Conflict", statusCode: 409, message: expect.stringContaining(o.codes.exists) });
    expect(seen).toEqual(script.requests);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/**
 * Registers, as jest `describe` blocks named `<provider>: ...`, the cases of a bucket create or
 * delete whose answer is lost (the emulator resets the connection after acting): the retried
 * create succeeds and the bucket is there, the retried delete succeeds and the bucket is gone.
 * Optional parts: `plainRefusals` (with no lost answer, an existing bucket is still Conflict and a
 * missing one ObjectNotExist, after one request) and `unreachable` (a retried create answered
 * "exists" whose ownership probe is refused stays Conflict 409, against a scripted server).
 *
 * `setup` runs once in `beforeAll` and starts the provider's emulator (stopped in `afterAll`);
 * the suite opens its servicer with the emulator's first credential and quick retries.
 *
 * @throws nothing itself; the registered cases fail on StorageError codes other than the expected
 *   ones (Conflict, ObjectNotExist).
 */
export function runBucketLostAnswerSuite(setup: () => Promise<ServiceEmulator>, o: BucketLostAnswerOptions): void {
  const bucket = o.bucket ?? ((stem: string) => stem);
  let target: { emulator: ServiceEmulator; servicer: Servicer } | undefined;
  const t = (): { emulator: ServiceEmulator; servicer: Servicer } => {
    if (target === undefined) throw new Error("the bucket lost-answer suite's setup did not run");
    return target;
  };
  const ctx: BucketLostAnswerContext = {
    get emulator() {
      return t().emulator;
    },
    get servicer() {
      return t().servicer;
    },
    open: (keys) => emulatorServicer(o.provider, t().emulator, QUICK, keys),
  };

  beforeAll(async () => {
    const emulator = await setup();
    target = { emulator, servicer: emulatorServicer(o.provider, emulator, QUICK) };
  });

  afterAll(async () => {
    await target?.emulator.stop();
  });

  describe(`${o.provider}: bucket create and delete whose answer is lost`, () => {
    it(`a ${o.calls.create} that created the bucket but whose answer was lost succeeds (${o.lostCreate.retry})`, async () => {
      const { emulator, servicer } = ctx;
      const name = bucket("lost-create");
      emulator.setFaults([{ kind: "reset", operation: "CreateBucket", count: 1 }]);
      emulator.resetStats();
      const store = await servicer.create(name);
      expect(emulator.faults()[0]!.fired).toBe(1);
      if (o.lostCreate.only === true) expect(emulator.stats().byOperation).toEqual(o.lostCreate.requests);
      else expect(emulator.stats().byOperation).toMatchObject(o.lostCreate.requests);
      expect(store.info.name).toBe(name);
      expect(await bucketNames(servicer)).toContain(name);
      await servicer.delete(name);
    });

    it(`a ${o.calls.delete} that deleted the bucket but whose answer was lost succeeds (the retry's ${o.codes.missing} means it is gone)`, async () => {
      const { emulator, servicer } = ctx;
      const name = bucket("lost-delete");
      await servicer.create(name);
      emulator.setFaults([{ kind: "reset", operation: "DeleteBucket", count: 1 }]);
      await servicer.delete(name);
      expect(emulator.faults()[0]!.fired).toBe(1);
      expect(await bucketNames(servicer)).not.toContain(name);
    });

    const plain = o.plainRefusals;
    if (plain !== undefined) {
      it("without a lost answer, a bucket that exists is still Conflict and a missing one ObjectNotExist (nothing more asked)", async () => {
        const { emulator, servicer } = ctx;
        emulator.setFaults([]);
        emulator.resetStats();
        await expect(servicer.create(plain.taken)).rejects.toMatchObject({ code: "Conflict", message: expect.stringContaining(o.codes.exists) });
        expect(emulator.stats().byOperation).toEqual({ CreateBucket: 1 });
        await expect(servicer.delete(plain.missing)).rejects.toMatchObject({ code: "ObjectNotExist", message: expect.stringContaining(o.codes.missing) });
      });
    }

    o.more?.(ctx);
  });

  const script = o.unreachable;
  if (script !== undefined) {
    describe(`${o.provider}: a retried ${o.calls.create} answered ${o.codes.exists} for a bucket the caller cannot reach`, () => {
      it(`stays Conflict when ${script.probe} is refused`, () => checkUnreachable(o, script));
    });
  }
}
