// COS may stream whitespace before the <Error> of a 200 it answers a Complete or a copy with
// (protocols.md §1.3): the error-200 fault sends some between the XML declaration and the <Error>,
// so that a client is shown to find the error behind it.
import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { startEmulator, type Emulator } from "../src/index.js";
import { cosRequest, errorCode, type RawResponse } from "./raw-client.js";

const BUCKET = "error-200-1250000000";

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({ provider: "cos", buckets: [BUCKET] });
});
afterAll(() => emu.stop());

/** The body of a 200-with-error: the XML declaration, whitespace, then the `<Error>`. */
function expectWhitespaceThenError(r: RawResponse, code: string): void {
  expect(r.status).toBe(200);
  expect(r.body).toMatch(/^<\?xml[^>]*\?>\n[ \n]{8,}<Error>/);
  expect(errorCode(r)).toBe(code);
}

describe("COS error-200 answers start with whitespace", () => {
  it("CopyObject", async () => {
    await cosRequest(emu, { method: "PUT", bucket: BUCKET, key: "src", body: "x" });
    emu.setFaults([{ kind: "error-200", operation: "CopyObject", count: 1, code: "InternalError" }]);
    const r = await cosRequest(emu, { method: "PUT", bucket: BUCKET, key: "dst", headers: { "x-cos-copy-source": `${BUCKET}.cos.ap-guangzhou.myqcloud.com/src` } });
    expectWhitespaceThenError(r, "InternalError");
    expect((await cosRequest(emu, { method: "HEAD", bucket: BUCKET, key: "dst" })).status).toBe(404);
  });

  it("CompleteMultipartUpload", async () => {
    const init = await cosRequest(emu, { method: "POST", bucket: BUCKET, key: "mp", query: [["uploads", undefined]] });
    const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(init.body)![1]!;
    const part = await cosRequest(emu, { method: "PUT", bucket: BUCKET, key: "mp", query: [["partNumber", "1"], ["uploadId", uploadId]], body: "only" });
    emu.setFaults([{ kind: "error-200", operation: "CompleteMultipartUpload", count: 1, code: "SlowDown" }]);
    const xml = `<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>${String(part.headers.etag)}</ETag></Part></CompleteMultipartUpload>`;
    const r = await cosRequest(emu, { method: "POST", bucket: BUCKET, key: "mp", query: [["uploadId", uploadId]], headers: { "content-type": "application/xml" }, body: xml });
    expectWhitespaceThenError(r, "SlowDown");
    expect((await cosRequest(emu, { method: "HEAD", bucket: BUCKET, key: "mp" })).status).toBe(404);
  });
});

describe("error-200 messages (review-cos-wire L2)", () => {
  it("name the code a rule gives, never an internal error under another code", async () => {
    await cosRequest(emu, { method: "PUT", bucket: BUCKET, key: "src2", body: "x" });
    emu.setFaults([{ kind: "error-200", operation: "CopyObject", count: 1, code: "AccessDenied" }]);
    const r = await cosRequest(emu, { method: "PUT", bucket: BUCKET, key: "dst2", headers: { "x-cos-copy-source": `${BUCKET}.cos.ap-guangzhou.myqcloud.com/src2` } });
    expectWhitespaceThenError(r, "AccessDenied");
    expect(r.body).toContain("<Message>Injected error AccessDenied (the emulator: error-200 fault).</Message>");
  });

  it("keep the service's internal-error message when no code is given", async () => {
    emu.setFaults([{ kind: "error-200", operation: "CopyObject", count: 1 }]);
    const r = await cosRequest(emu, { method: "PUT", bucket: BUCKET, key: "dst3", headers: { "x-cos-copy-source": `${BUCKET}.cos.ap-guangzhou.myqcloud.com/src2` } });
    expectWhitespaceThenError(r, "InternalError");
    expect(r.body).toContain("<Message>We encountered an internal error. Please try again.</Message>");
  });
});
