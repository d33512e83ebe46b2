import { inspect } from "node:util";
import { describe, expect, it } from "@jest/globals";
import { newServicer, newStorager } from "@stowage/core";
import "../src/index.js";

const SECRET = "SECRETKEYwhichMustNotShow";
const TOKEN = "TOKENwhichMustNotShow";
const SSE_KEY = Buffer.from("0123456789abcdef0123456789abcdef");
const leaks = (text: string): string[] =>
  [SECRET, TOKEN, SSE_KEY.toString("base64"), SSE_KEY.toString("latin1"), "30 31 32 33 34 35 36 37"].filter((s) => text.includes(s));

describe("a storager or servicer shown or serialised", () => {
  it("never shows the secret key, the security token or an SSE-C key", () => {
    const store = newStorager({
      type: "cos",
      name: "b-1250000000",
      workDir: "/wd/",
      credential: `hmac:AKIDPUBLIC:${SECRET}:${TOKEN}`,
      location: "ap-guangzhou",
      serverSideEncryptionCustomerAlgorithm: "AES256",
      serverSideEncryptionCustomerKey: SSE_KEY,
    });
    const servicer = newServicer(`cos://?credential=hmac:AKIDPUBLIC:${SECRET}:${TOKEN}&location=ap-guangzhou`);
    for (const shown of [
      inspect(store, { depth: Infinity, showHidden: true }),
      JSON.stringify(store),
      String(store),
      inspect(servicer, { depth: Infinity, showHidden: true }),
      JSON.stringify(servicer),
      `${servicer}`,
      inspect(servicer.get("other-1250000000"), { depth: Infinity, showHidden: true }),
    ]) {
      expect(leaks(shown)).toEqual([]);
    }
    expect(JSON.parse(JSON.stringify(store))).toEqual({ info: store.info });
    expect(inspect(store)).toBe("Storager cos {name: b-1250000000, workDir: /wd/}");
    expect(JSON.parse(JSON.stringify(servicer))).toEqual({ service: "cos" });
  });
});
