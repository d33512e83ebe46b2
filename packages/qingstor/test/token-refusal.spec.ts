import { describe, expect, it } from "@jest/globals";
import { newStorager, type StorageError } from "@stowage/core";
import "../src/index.js";

describe("qingstor: a credential with a security token", () => {
  it("is refused with a readable message that shows neither the secret nor the token", () => {
    let error: StorageError | undefined;
    try {
      newStorager("qingstor://bucket-name/?credential=hmac:AKIDPUBLIC:S3cr3tKey99:T0kenValue77&location=pek3b");
    } catch (e) {
      error = e as StorageError;
    }
    expect(error).toMatchObject({ code: "ConnectionStringInvalid" });
    const text = `${error!.message} ${String(error)} ${JSON.stringify(error)}`;
    expect(error!.message).toContain('QingStor credentials take no security token: expected "env" or "hmac" followed by :<access_key_id>:<secret_access_key>');
    expect(text).not.toContain("***");
    expect(text).not.toContain("S3cr3tKey99");
    expect(text).not.toContain("T0kenValue77");
  });
});
