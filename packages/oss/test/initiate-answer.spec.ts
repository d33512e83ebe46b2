/**
 * An InitiateMultipartUpload answered 200 with a body that names no upload (not well-formed XML,
 * or no UploadId) is read inside the client's retry loop, as a listing's answer is: retried like a
 * 5xx while retries remain, then a retryable `Unexpected` carrying the answer's status and request
 * id (review-errors L13). A 200 carrying an `<Error>` document is the error it names. A retry
 * that succeeds after such an answer (which may come from an Initiate that was performed) warns
 * that an upload may be left (`STOWAGE_UPLOAD_LEFT`, review-soak M1).
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it, jest } from "@jest/globals";
import { newStorager, UPLOAD_LEFT_WARNING } from "@stowage/core";
import "../src/index.js";

interface Answer {
  body: string;
}
const QUICK = "&retry_base_delay=1ms&retry_max_delay=2ms&max_retries=3";
const initiated = (id: string): Answer => ({
  body: `<?xml version="1.0" encoding="UTF-8"?><InitiateMultipartUploadResult><Bucket>scripted-bucket</Bucket><Key>m</Key><UploadId>${id}</UploadId></InitiateMultipartUploadResult>`,
});
const errorXml = (code: string): Answer => ({ body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>m</Message><RequestId>r</RequestId></Error>` });
const NOT_XML: Answer = { body: "<notxml<" };
const NO_UPLOAD_ID: Answer = { body: '<?xml version="1.0" encoding="UTF-8"?><InitiateMultipartUploadResult><Bucket>scripted-bucket</Bucket><Key>m</Key></InitiateMultipartUploadResult>' };

/** createMultipart("m") against a server answering request n with 200 and `answers(n)`: what it gave and the requests sent. */
async function initiate(answers: (n: number) => Answer): Promise<{ outcome: unknown; requests: string[] }> {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const n = requests.push(`${req.method} ${req.url}`);
      res.writeHead(200, { "x-oss-request-id": `rid-${n}`, "content-type": "application/xml" });
      res.end(answers(n).body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const port = (server.address() as AddressInfo).port;
    const store = newStorager(`oss://scripted-bucket/?credential=hmac:AK:SK&endpoint=http:127.0.0.1:${port}&location=cn-hangzhou${QUICK}`);
    return { outcome: await store.createMultipart("m").catch((e: unknown) => e), requests };
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
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
describe("oss: an InitiateMultipartUpload answer that names no upload", () => {
  it.each([
    ["not well-formed XML", NOT_XML],
    ["no UploadId", NO_UPLOAD_ID],
  ])("is retried (%s), and the upload the retry's answer names is the one used", async (_label, bad) => {
    const { outcome, requests } = await initiate((n) => (n === 1 ? bad : initiated("up-2")));
    expect(outcome).toMatchObject({ path: "m", multipartId: "up-2" });
    expect(uploadLeft()).toHaveLength(1);
    expect(uploadLeft()[0]).toContain('InitiateMultipartUpload of key "m" was sent again after an attempt whose answer was lost or failed');
    expect(uploadLeft()[0]).toContain('besides upload "up-2"');
    expect(requests).toHaveLength(2);
    expect(requests.every((r) => r.startsWith("POST ") && r.endsWith("?uploads"))).toBe(true);
  });

  it.each([
    ["not well-formed XML", NOT_XML, "(not well-formed XML)"],
    ["no UploadId", NO_UPLOAD_ID, "(no InitiateMultipartUploadResult with an UploadId)"],
  ])("fails as a retryable Unexpected with the answer's status and request id once retries are spent (%s)", async (_label, bad, why) => {
    const { outcome, requests } = await initiate(() => bad);
    expect(outcome).toMatchObject({ name: "StorageError", code: "Unexpected", retryable: true, statusCode: 200, requestId: "rid-4", op: "create_multipart" });
    expect((outcome as { detail: string }).detail).toBe(`initiate_multipart_upload: the answer carries no UploadId ${why}; the uploads OSS may have made for it, one per attempt, are left unnamed (stowage uploads --abort removes them)`);
    expect(requests).toHaveLength(4);
  });

  it("a 200 carrying an <Error> document is the error it names (InternalError: retried)", async () => {
    const { outcome, requests } = await initiate((n) => (n === 1 ? errorXml("InternalError") : initiated("up-2")));
    expect(outcome).toMatchObject({ multipartId: "up-2" });
    expect(requests).toHaveLength(2);
    expect(uploadLeft()).toHaveLength(1);
    const denied = await initiate(() => errorXml("AccessDenied"));
    expect(denied.outcome).toMatchObject({ code: "PermissionDenied", serviceCode: "AccessDenied", statusCode: 200 });
    expect(denied.requests).toHaveLength(1);
    expect(uploadLeft()).toHaveLength(1);
  });
});
