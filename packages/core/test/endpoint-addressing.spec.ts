import { describe, expect, it } from "@jest/globals";
import { explicitPort, isBareHost, usesPathStyle } from "../src/http/endpoint-addressing.js";
import { parseEndpoint } from "../src/registry/endpoint.js";

describe("isBareHost", () => {
  it("is true for IPv4, IPv6 (bracketed or not) and localhost; false for names", () => {
    for (const host of ["127.0.0.1", "[::1]", "::1", "localhost"]) expect(isBareHost(host)).toBe(true);
    for (const host of ["qingstor.com", "pek3b.qingstor.com", "localhost.example", "1.2.3"]) expect(isBareHost(host)).toBe(false);
  });
});

describe("usesPathStyle", () => {
  it("is true when forced or on a bare host, false on a named endpoint or without one", () => {
    expect(usesPathStyle({ endpoint: parseEndpoint("http:127.0.0.1:9000") })).toBe(true);
    expect(usesPathStyle({ endpoint: parseEndpoint("https:[::1]:8443") })).toBe(true);
    expect(usesPathStyle({ endpoint: parseEndpoint("http:localhost:1") })).toBe(true);
    expect(usesPathStyle({ endpoint: parseEndpoint("https:cos.ap-guangzhou.myqcloud.com"), forcePathStyle: true })).toBe(true);
    expect(usesPathStyle({ endpoint: parseEndpoint("https:cos.ap-guangzhou.myqcloud.com") })).toBe(false);
    expect(usesPathStyle({ forcePathStyle: true })).toBe(false);
    expect(usesPathStyle({})).toBe(false);
  });
});

describe("explicitPort", () => {
  it("is the port unless it is the protocol's default", () => {
    expect(explicitPort(parseEndpoint("https:example.com"))).toBeUndefined();
    expect(explicitPort(parseEndpoint("http:example.com:80"))).toBeUndefined();
    expect(explicitPort(parseEndpoint("https:example.com:80"))).toBe(80);
    expect(explicitPort(parseEndpoint("http:example.com:443"))).toBe(443);
    expect(explicitPort(parseEndpoint("http:127.0.0.1:9000"))).toBe(9000);
  });
});
