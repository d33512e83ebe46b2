import { describe, expect, it } from "@jest/globals";
import { isStorageError } from "../src/errors/storage-error.js";
import { makeEndpoint, parseEndpoint } from "../src/registry/endpoint.js";

function rejects(text: string): string {
  try {
    parseEndpoint(text);
  } catch (e) {
    expect(isStorageError(e, "InvalidArgument")).toBe(true);
    return (e as Error).message;
  }
  throw new Error(`expected parseEndpoint to reject ${JSON.stringify(text)}`);
}

describe("parseEndpoint", () => {
  it.each([
    ["https:cos.ap-guangzhou.myqcloud.com", "https", "cos.ap-guangzhou.myqcloud.com", 443, "https://cos.ap-guangzhou.myqcloud.com"],
    ["http:127.0.0.1:9000", "http", "127.0.0.1", 9000, "http://127.0.0.1:9000"],
    ["http:localhost", "http", "localhost", 80, "http://localhost"],
    ["https:example.com:443", "https", "example.com", 443, "https://example.com"],
    ["https:example.com:8443", "https", "example.com", 8443, "https://example.com:8443"],
    ["https://oss-cn-hangzhou.aliyuncs.com", "https", "oss-cn-hangzhou.aliyuncs.com", 443, "https://oss-cn-hangzhou.aliyuncs.com"],
    ["https://qingstor.com/", "https", "qingstor.com", 443, "https://qingstor.com"],
    ["http://127.0.0.1:8080/", "http", "127.0.0.1", 8080, "http://127.0.0.1:8080"],
    ["HTTPS:Example.COM", "https", "example.com", 443, "https://example.com"],
    ["https:[::1]:8443", "https", "[::1]", 8443, "https://[::1]:8443"],
    ["http://[2001:db8::1]", "http", "[2001:db8::1]", 80, "http://[2001:db8::1]"],
    ["http:my_host.internal:1", "http", "my_host.internal", 1, "http://my_host.internal:1"],
    ["http:h:65535", "http", "h", 65535, "http://h:65535"],
  ])("%s", (text, protocol, host, port, url) => {
    expect(parseEndpoint(text)).toEqual({ protocol, host, port, url });
  });

  it.each([
    ["", "missing protocol"],
    ["example.com", "missing protocol"],
    ["ftp:example.com", 'unsupported protocol "ftp"'],
    ["tcp:example.com:80", 'unsupported protocol "tcp"'],
    ["https:", "empty host"],
    ["https://", "empty host"],
    ["https::443", "empty host"],
    ["https:example.com:0", "between 1 and 65535"],
    ["https:example.com:65536", "between 1 and 65535"],
    ["https:example.com:abc", "between 1 and 65535"],
    ["https:example.com:", "between 1 and 65535"],
    ["https:example.com:-1", "between 1 and 65535"],
    ["https:/example.com", "only a host and a port"],
    ["https://example.com/path", "only a host and a port"],
    ["https://user@example.com", "only a host and a port"],
    ["https://example.com?x=1", "only a host and a port"],
    ["https:ex ample.com", "only a host and a port"],
    ["https:exa$mple.com", "not a valid host"],
    ["https:-bad.com", "not a valid host"],
    ["https:a..b", "not a valid host"],
    ["https:::1", "brackets"],
    ["https:[::1", "unclosed"],
    ["https:[zz::1]", "not a valid IPv6"],
    ["https:[::1]x", "unexpected text"],
  ])("rejects %j (%s)", (text, expected) => {
    expect(rejects(text)).toContain(expected);
  });

  it("rejects a non-string", () => {
    rejects(7 as unknown as string);
  });
});

describe("makeEndpoint", () => {
  it("fills the default port and the url", () => {
    expect(makeEndpoint("http", "h")).toEqual({ protocol: "http", host: "h", port: 80, url: "http://h" });
    expect(makeEndpoint("https", "::1", 9)).toEqual({ protocol: "https", host: "[::1]", port: 9, url: "https://[::1]:9" });
  });

  it("rejects bad parts", () => {
    expect(() => makeEndpoint("ftp", "h")).toThrow(/unsupported protocol/);
    expect(() => makeEndpoint("http", "h", 1.5)).toThrow(/between 1 and 65535/);
    expect(() => makeEndpoint("http", "")).toThrow(/empty host/);
  });
});
