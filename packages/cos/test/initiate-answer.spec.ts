/**
 * An Initiate Multipart Upload answered 200 with a body that names no upload (not well-formed XML,
 * or no UploadId) is read inside the client's retry loop, as a listing's answer is: retried like a
 * 5xx while retries remain, then a retryable `Unexpected` carrying the answer's status and request
 * id (review-errors L13). A 200 carrying an `<Error>` document is the error it names. A retry
 * that succeeds after such an answer (which may come from an Initiate that was performed) warns
 * that an upload may be left (`STOWAGE_UPLOAD_LEFT`, review-soak M1).
 */
import { afterEach, beforeEach, describe, expect, it, jest } from "@jest/globals";
import { newStorager, UPLOAD_LEFT_WARNING } from "@stowage/core";
import "../src/index.js";
import { errorXml, QUICK_RETRIES, rawServer, type RawAnswer } from "./raw-server.js";

const initiated = (id: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?><InitiateMultipartUploadResult><Bucket>b-1250000000</Bucket><Key>m</Key><UploadId>${id}</UploadId></InitiateMultipartUploadResult>`;
const xml = (body: string): RawAnswer => ({ headers: { "content-type": "application/xml" }, body });
const NOT_XML = xml("<notxml<");
const NO_UPLOAD_ID = xml('<?xml version="1.0" encoding="UTF-8"?><InitiateMultipartUploadResult><Bucket>b-1250000000</Bucket><Key>m</Key></InitiateMultipartUploadResult>');

/** createMultipart("m") against a server whose answer to request n is `answers(n)`: what it gave and the requests sent. */
async function initiate(answers: (n: number) => RawAnswer): Promise<{ outcome: unknown; requests: string[] }> {
  const server = await rawServer((_req, n) => answers(n));
  try {
    const store = newStorager(`cos://b-1250000000/?credential=hmac:AK:SK&endpoint=http:127.0.0.1:${server.port}${QUICK_RETRIES}`);
    const outcome = await store.createMultipart("m").catch((e: unknown) => e);
    return { outcome, requests: server.requests.map((r) => `${r.method} ${r.url.pathname}${r.url.search}`) };
  } finally {
    await server.stop();
  }
}


let warn: ReturnType<typeof jest.spyOn>;
/** The messages of the STOWAGE_UPLOAD_LEFT warnings emitted so far. */
const uploadLeft = (): string[] =>
  (warn.mock.calls as unknown as Array<[string, { code?: string }]>).filter(([, o]) => o?.code === UPLOAD_LEFT_WARNING).map(([message]) => message);
beforeEach(() => {
  warn = jest.spyOn(process, "emitWarning").mockImplementation(() => undefined);
});
afterEach(() => warn.mockRestore());
describe("cos: an Initiate answer that names no upload", () => {
  it.each([
    ["not well-formed XML", NOT_XML],
    ["no UploadId", NO_UPLOAD_ID],
  ])("is retried (%s), and the upload the retry's answer names is the one used", async (_label, bad) => {
    const { outcome, requests } = await initiate((n) => (n === 1 ? bad : xml(initiated("up-2"))));
    expect(outcome).toMatchObject({ path: "m", multipartId: "up-2" });
    expect(uploadLeft()).toHaveLength(1);
    expect(uploadLeft()[0]).toContain('InitiateMultipartUpload of key "m" was sent again after an attempt whose answer was lost or failed');
    expect(uploadLeft()[0]).toContain('besides upload "up-2"');
    expect(requests).toEqual(["POST /b-1250000000/m?uploads", "POST /b-1250000000/m?uploads"]);
  });

  it.each([
    ["not well-formed XML", NOT_XML, "(not well-formed XML)"],
    ["no UploadId", NO_UPLOAD_ID, "(no InitiateMultipartUploadResult with an UploadId)"],
  ])("fails as a retryable Unexpected with the answer's status and request id once retries are spent (%s)", async (_label, bad, why) => {
    const { outcome, requests } = await initiate(() => bad);
    expect(outcome).toMatchObject({ name: "StorageError", code: "Unexpected", retryable: true, statusCode: 200, requestId: "rid-4", op: "create_multipart" });
    expect((outcome as { detail: string }).detail).toBe(`initiate_multipart_upload: the answer carries no UploadId ${why}; the uploads COS may have made for it, one per attempt, are left unnamed (stowage uploads --abort removes them)`);
    expect(requests).toHaveLength(4);
  });

  it("a 200 carrying an <Error> document is the error it names (InternalError: retried)", async () => {
    const { outcome, requests } = await initiate((n) => (n === 1 ? xml(errorXml("InternalError")) : xml(initiated("up-2"))));
    expect(outcome).toMatchObject({ multipartId: "up-2" });
    expect(requests).toHaveLength(2);
    expect(uploadLeft()).toHaveLength(1);
    const denied = await initiate(() => xml(errorXml("AccessDenied")));
    expect(denied.outcome).toMatchObject({ code: "PermissionDenied", serviceCode: "AccessDenied", statusCode: 200 });
    expect(denied.requests).toHaveLength(1);
    expect(uploadLeft()).toHaveLength(1);
  });
});
