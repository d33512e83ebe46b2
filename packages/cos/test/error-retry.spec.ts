import { describe, expect, it } from "@jest/globals";
import { newStorager } from "@stowage/core";
import "../src/index.js";
import { cosError } from "../src/errors.js";
import { errorXml, QUICK_RETRIES, rawServer } from "./raw-server.js";

/** Sends one `op` to a raw server answering every request with `status` (and `xml`, unless HEAD); the error and how many requests it got. */
async function against(status: number, xml: string | undefined, op: "write" | "stat"): Promise<{ error: unknown; hits: number }> {
  const server = await rawServer(() => ({ status, ...(xml === undefined ? {} : { headers: { "content-type": "application/xml" }, body: xml }) }));
  try {
    const store = newStorager(`cos://b-1250000000/?credential=hmac:AK:SK&endpoint=http:127.0.0.1:${server.port}${QUICK_RETRIES}`);
    const error = await (op === "write" ? store.write("a.txt", "x") : store.stat("a.txt")).catch((e: unknown) => e);
    return { error, hits: server.requests.length };
  } finally {
    await server.stop();
  }
}

describe("COS errors: what is worth a retry", () => {
  it("a 501 (NotImplemented or bare) and a 505 are final", () => {
    expect(cosError(501, { code: "NotImplemented" }, "put_object", "r")).toMatchObject({ code: "CapabilityInsufficient", retryable: false });
    expect(cosError(501, undefined, "head_object", "r")).toMatchObject({ code: "CapabilityInsufficient", retryable: false });
    expect(cosError(505, undefined, "head_object", "r")).toMatchObject({ code: "ServiceInternal", retryable: false });
    expect(cosError(500, { code: "InternalError" }, "put_object", "r")).toMatchObject({ code: "ServiceInternal", retryable: true });
    expect(cosError(502, undefined, "put_object", "r")).toMatchObject({ code: "ServiceInternal", retryable: true });
    expect(cosError(503, { code: "SlowDown" }, "put_object", "r")).toMatchObject({ code: "RequestThrottled", retryable: true });
  });

  it("IncompleteBody (COS got fewer bytes than Content-Length) is a retryable transport failure, not an integrity one", () => {
    expect(cosError(400, { code: "IncompleteBody" }, "put_object", "r")).toMatchObject({ code: "ServiceInternal", retryable: true });
  });

  it("a 501 NotImplemented write and a body-less 501 HEAD are sent once", async () => {
    const write = await against(501, errorXml("NotImplemented"), "write");
    expect(write.error).toMatchObject({ code: "CapabilityInsufficient", retryable: false, statusCode: 501 });
    expect(write.hits).toBe(1);
    const stat = await against(501, undefined, "stat");
    expect(stat.error).toMatchObject({ code: "CapabilityInsufficient", retryable: false, statusCode: 501 });
    expect(stat.hits).toBe(1);
  });

  it("an IncompleteBody is retried", async () => {
    const { error, hits } = await against(400, errorXml("IncompleteBody"), "write");
    expect(error).toMatchObject({ code: "ServiceInternal", statusCode: 400 });
    expect(hits).toBe(4);
  });
});
