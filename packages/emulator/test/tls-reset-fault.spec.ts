import { afterEach, describe, expect, it, jest } from "@jest/globals";
import { startEmulator, type Emulator } from "../src/index.js";
import { cosRequest } from "./raw-client.js";

// A `reset` fault on a request without a body resets the connection as the answer would start. Over
// TLS, Node's `resetAndDestroy` throws (the socket's handle is no TCP one): the request then got a
// 500 instead, which the emulator's log of internal errors showed (review-exhaustion L3).

describe("a reset fault over TLS", () => {
  let emu: Emulator | undefined;
  afterEach(async () => {
    await emu?.stop();
    emu = undefined;
    jest.restoreAllMocks();
  });

  it("closes the connection of a request without a body, with no 500 and nothing logged", async () => {
    const lines: string[] = [];
    jest.spyOn(console, "error").mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(" ")));
    emu = await startEmulator({ provider: "cos", tls: true, buckets: ["tls-1250000000"] });
    emu.setFaults([{ kind: "reset", operation: "DeleteObject", count: 1 }]);
    await expect(cosRequest(emu, { method: "DELETE", bucket: "tls-1250000000", key: "k" })).rejects.toThrow();
    expect(lines).toEqual([]);
    // The fault fired once: the next request is answered.
    expect((await cosRequest(emu, { method: "DELETE", bucket: "tls-1250000000", key: "k" })).status).toBe(204);
  });
});
