/**
 * The hint of an error answer whose body is not the service's error document (a proxy's page): it
 * says so, with the body's media type, never "no body", and never any of the body itself.
 */
import { describe, expect, it } from "@jest/globals";
import { foreignBodyHint } from "../src/http/bare-status.js";

describe("foreignBodyHint", () => {
  it("names the status's meaning, the media type (parameters dropped) and the service", () => {
    expect(foreignBodyHint(403, "text/html; charset=utf-8", "COS")).toBe(" (access denied; the answer's body (text/html) is not a COS error document: a proxy or gateway may have answered)");
    expect(foreignBodyHint(502, undefined, "OSS")).toBe(" (the answer's body is not an OSS error document: a proxy or gateway may have answered)");
  });

  it("leaves out a content type that is not a plain type/subtype (it could carry anything)", () => {
    const hint = foreignBodyHint(404, "text/html\u0000<script>SECRET</script>", "QingStor");
    expect(hint).not.toContain("SECRET");
    expect(hint).toBe(" (no such object, or no such bucket; the answer's body is not a QingStor error document: a proxy or gateway may have answered)");
  });
});
