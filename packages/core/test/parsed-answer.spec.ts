import { describe, expect, it } from "@jest/globals";
import { ErrorCode } from "../src/errors/error-code.js";
import { storageError } from "../src/errors/storage-error.js";
import type { BufferedResponse } from "../src/http/http-response.js";
import { parsedAnswer } from "../src/http/parsed-answer.js";

const answer = (body: string): BufferedResponse => ({ body: Buffer.from(body) }) as unknown as BufferedResponse;

/** An error document is `{"code": ...}`; a page is `{"keys": [...]}`, anything else is refused. */
function listing() {
  return parsedAnswer(
    "ListThings",
    (response) => {
      const doc = JSON.parse(response.body.toString()) as { code?: string };
      return doc.code === undefined ? undefined : storageError(ErrorCode.ObjectNotExist, doc.code);
    },
    (body) => {
      const doc = JSON.parse(body.toString()) as { keys?: string[] };
      if (!Array.isArray(doc.keys)) throw new Error("no keys");
      return doc.keys;
    },
  );
}

describe("parsedAnswer", () => {
  it("accepts a body parse takes, and value() gives what it made", async () => {
    const a = listing();
    expect(await a.validate(answer('{"keys":["x","y"]}'))).toBeUndefined();
    expect(a.value()).toEqual(["x", "y"]);
  });

  it("turns an error document into its error, and a refused body into a retryable Unexpected naming the operation", async () => {
    const a = listing();
    expect(await a.validate(answer('{"code":"bucket_not_exists"}'))).toMatchObject({ code: "ObjectNotExist" });
    const refused = await a.validate(answer('{"other":1}'));
    expect(refused).toMatchObject({ code: "Unexpected", retryable: true });
    expect(refused?.message).toContain("ListThings");
    expect(() => a.value()).toThrow(expect.objectContaining({ code: "Unexpected" }));
  });

  it("keeps a StorageError parse throws as it is", async () => {
    const a = parsedAnswer("Op", () => undefined, () => {
      throw storageError(ErrorCode.Unexpected, "no IsTruncated", { retryable: true });
    });
    expect(await a.validate(answer("<x/>"))).toMatchObject({ code: "Unexpected", message: expect.stringContaining("no IsTruncated") });
  });
});
