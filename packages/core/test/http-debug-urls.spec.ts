/**
 * The debug log's headers never show a secret carried by a URL inside a header value (QingStor's
 * `x-qs-fetch-source`: the caller's URL, maybe presigned with parameters of any name): its query
 * values, userinfo and fragment are hidden; and common secret parameter names are hidden anywhere.
 */
import { describe, expect, it } from "@jest/globals";
import { redactSecrets } from "../src/errors/redact.js";
import { redactHeaders } from "../src/http/http-debug.js";

const SECRETS = ["AZSIGSECRET", "BEARERSECRET", "APIKEYSECRET", "PASSSECRET", "USERSECRET", "PWSECRET", "FRAGSECRET", "ODDNAMESECRET", "BARETOKEN"];

describe("debug log headers", () => {
  it("hide every query value, the userinfo and the fragment of a fetch source URL, keeping what was asked readable", () => {
    const source = "https://USERSECRET:PWSECRET@src.example.com/dir/a.bin?sv=2020&sig=AZSIGSECRET&access_token=BEARERSECRET&x-weird=ODDNAMESECRET&BARETOKEN#FRAGSECRET";
    const out = redactHeaders({ "x-qs-fetch-source": source, "content-length": "0" });
    for (const secret of SECRETS) expect(out["x-qs-fetch-source"]).not.toContain(secret);
    expect(out["x-qs-fetch-source"]).toBe("https://***@src.example.com/dir/a.bin?sv=***&sig=***&access_token=***&x-weird=***&***#***");
    expect(out["content-length"]).toBe("0");
  });

  it("leave values without a URL as they were", () => {
    expect(redactHeaders({ "x-qs-copy-source": "/bucket/key?versionId=3" })["x-qs-copy-source"]).toBe("/bucket/key?versionId=3");
    expect(redactHeaders({ "x-cos-copy-source": "b-1250000000.cos.ap-guangzhou.myqcloud.com/k" })["x-cos-copy-source"]).toBe("b-1250000000.cos.ap-guangzhou.myqcloud.com/k");
  });
});

describe("redactSecrets", () => {
  it("hides sig, access_token, api_key and password parameters", () => {
    const out = redactSecrets("GET http://h/x?sv=1&sig=AZSIGSECRET&access_token=BEARERSECRET&api_key=APIKEYSECRET&password=PASSSECRET&n=2");
    for (const secret of ["AZSIGSECRET", "BEARERSECRET", "APIKEYSECRET", "PASSSECRET"]) expect(out).not.toContain(secret);
    expect(out).toContain("sv=1");
    expect(out).toContain("n=2");
  });
});
