import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { expect, it } from "@jest/globals";
import { createStorager, mergePairs, parseEndpoint } from "@stowage/core";
import { runCompleteInvalidPartSuite } from "@stowage/behavior-tests";
import { startEmulator } from "@stowage/emulator";
import { zoneAddress } from "../src/addressing.js";
import { QingStorClient } from "../src/client.js";
import { completeRefusal, isInvalidArgumentAnswer } from "../src/complete-refusal.js";
import { qingstorError } from "../src/errors.js";
import { qingstorService } from "../src/index.js";
import { parseErrorBody } from "../src/responses.js";
import { QingStorStorageDriver } from "../src/storager.js";

// A Complete that names a part unlike the uploaded one is refused by QingStor with a bare
// invalid_argument; the driver lists the parts and makes it Conflict, naming the part, the upload
// kept (the shared suite, behavior-tests/src/complete-invalid-part.ts).

const BUCKET = "invalid-part-qs";
const fixture = (name: string): Buffer => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

runCompleteInvalidPartSuite(
  "qingstor: completeMultipart refused with invalid_argument",
  async () => {
    const emulator = await startEmulator({ provider: "qingstor", buckets: [BUCKET] });
    const { accessKey, secretKey } = emulator.credential;
    const client = new QingStorClient(zoneAddress("pek3a", parseEndpoint(`http:127.0.0.1:${emulator.port}`)), BUCKET, { accessKeyId: accessKey, secretAccessKey: secretKey });
    const driver = new QingStorStorageDriver(client, BUCKET, "pek3a");
    const store = createStorager(driver, { definition: qingstorService, config: { name: BUCKET, workDir: "/" }, pairs: mergePairs(qingstorService), defaults: {}, loose: false });
    return { driver, store, stop: () => emulator.stop() };
  },
  {
    messages: { stale: /part 0 is not the uploaded part/, never: /part 1 was not uploaded/ },
    more: (target) => {
      it("is recognised from a saved body (400 invalid_argument), and only from that", () => {
        const body = parseErrorBody(fixture("error-invalid-argument.json"));
        expect(isInvalidArgumentAnswer(qingstorError(400, body, "complete_multipart_upload", undefined))).toBe(true);
        expect(isInvalidArgumentAnswer(qingstorError(400, { ...body!, code: "entity_too_small" }, "complete_multipart_upload", undefined))).toBe(false);
        expect(isInvalidArgumentAnswer(qingstorError(400, undefined, "complete_multipart_upload", undefined))).toBe(false);
      });

      it("a refusal whose upload is gone when its parts are listed (a concurrent resume completed it) is ObjectNotExist, not InvalidArgument", async () => {
        const { driver, store } = target();
        const key = `k-${randomUUID()}`;
        const o = await store.createMultipart(key);
        const part = await store.writeMultipart(o, randomBytes(100), { index: 0 });
        await store.delete(key, { multipartId: o.multipartId! });
        const refused = qingstorError(400, parseErrorBody(fixture("error-invalid-argument.json")), "complete_multipart_upload", undefined);
        const e = await completeRefusal((driver as unknown as QingStorStorageDriver).client, key, o.multipartId!, [part], refused, {});
        expect(e).toMatchObject({ code: "ObjectNotExist", statusCode: 404, serviceCode: "upload_not_exists", cause: { code: "InvalidArgument", statusCode: 400 } });
        expect(e.message).toContain("the upload is gone (completed or aborted meanwhile)");
      });

      it("another invalid_argument, with every part as uploaded, stays InvalidArgument", async () => {
        const { driver, store } = target();
        const key = `k-${randomUUID()}`;
        const o = await store.createMultipart(key);
        const part = await store.writeMultipart(o, randomBytes(100), { index: 1 });
        // The emulator refuses part numbers out of order with invalid_argument (core never sends them so).
        const first = await store.writeMultipart(o, randomBytes(100), { index: 0 });
        await expect(driver.completeMultipart(key, o.multipartId!, [part, first], {})).rejects.toMatchObject({ code: "InvalidArgument", statusCode: 400 });
        await store.delete(key, { multipartId: o.multipartId! });
      });
    },
  },
);
