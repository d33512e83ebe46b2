import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "@jest/globals";
import type { ObjectInfo, Storager } from "@stowage/core";

/** How {@link runNextAppendPositionSuite} reaches a driver. */
export interface NextAppendPositionOptions {
  /** The answer's header with the object's length after the append (`x-cos-next-append-position`...). */
  header: string;
  /** The header carrying the request id (`x-cos-request-id`...). */
  requestIdHeader: string;
  /** Opens a store at `endpoint` (`http:127.0.0.1:<port>`), with short retry delays. */
  open: (endpoint: string) => Storager;
}

/** An append object 6 bytes long (no CRC-64 known), as a listing gives it. */
const object = (): ObjectInfo => ({ path: "log", mode: "append", appendOffset: 6, size: 6 }) as ObjectInfo;

/**
 * Registers the cases of an append's next position: a local server answers the append of "world"
 * at 6 with a 200 carrying `headers`; the driver must report a whole-number position as the new
 * length, fall back to offset + size without one, and fail a malformed or unsafe one with a
 * non-retryable `Unexpected` naming the header (the append was applied: no retry, no guess).
 * @throws nothing itself.
 */
export function runNextAppendPositionSuite(provider: string, options: NextAppendPositionOptions): void {
  const { header, requestIdHeader } = options;

  /** The outcome of the append when answered with `headers`, and the requests sent (method and query). */
  async function appendAnswered(headers: Record<string, string>): Promise<{ outcome: unknown; sent: string[] }> {
    const sent: string[] = [];
    const server = createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        sent.push(`${req.method} ${new URL(req.url ?? "/", "http://x").search}`);
        res.writeHead(200, { [requestIdHeader]: `rid-${sent.length}`, etag: '"e"', ...headers });
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const store = options.open(`http:127.0.0.1:${(server.address() as AddressInfo).port}`);
      return { outcome: await store.writeAppend(object(), "world").catch((e: unknown) => e), sent };
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  describe(`${provider}: the next append position of an append's answer`, () => {
    it("is the object's new length when it is a whole number", async () => {
      expect((await appendAnswered({ [header]: "11" })).outcome).toEqual({ size: 5, appendOffset: 11 });
    });

    it("is the append's end (offset + size) when the answer has none", async () => {
      expect((await appendAnswered({})).outcome).toEqual({ size: 5, appendOffset: 11 });
    });

    it.each([
      ["empty", ""],
      ["hex", "0x10"],
      ["an exponent", "1e1"],
      ["fractional", "11.0"],
      ["signed", "-11"],
      ["two values", "11, 12"],
      ["above 2^53 - 1", "9007199254740993"],
    ])("is Unexpected naming the header when %s, never a guessed position (the append was applied: no retry)", async (_label, value) => {
      const { outcome, sent } = await appendAnswered({ [header]: value });
      expect(outcome).toMatchObject({
        name: "StorageError",
        code: "Unexpected",
        retryable: false,
        statusCode: 200,
        requestId: "rid-1",
        message: expect.stringContaining(`${header} is ${JSON.stringify(value)}, not a whole number of bytes`),
      });
      expect((outcome as Error).message).toContain("the append was applied");
      expect(sent).toEqual(["POST ?append&position=6"]);
    });

    it("shortens a long malformed value in the message", async () => {
      const value = "9".repeat(300);
      const { outcome } = await appendAnswered({ [header]: value });
      expect(outcome).toMatchObject({ code: "Unexpected", message: expect.stringContaining("a value of 300 characters") });
      expect((outcome as Error).message).not.toContain(value);
    });
  });
}
