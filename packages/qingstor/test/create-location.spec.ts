import { expect, it } from "@jest/globals";
import { runCreateLocationSuite } from "@stowage/behavior-tests";
import { parseEndpoint } from "@stowage/core";
import { startEmulator } from "@stowage/emulator";
import { createdZone, endpointZone } from "../src/addressing.js";
import "../src/index.js";

runCreateLocationSuite(() => startEmulator({ provider: "qingstor", region: "pek3a" }), {
  provider: "qingstor",
  term: "zone",
  endpointRegion: endpointZone,
  hosts: [
    ["pek3b.qingstor.com", "pek3b"],
    ["SH1A.qingstor.com", "sh1a"],
    ["qingstor.com", undefined],
    ["s3.pek3b.qingstor.com", undefined],
    ["storage.example.com", undefined],
    ["127.0.0.1", undefined],
  ],
  named: { host: "pek3b.qingstor.com", region: "pek3b", other: "sh1a" },
  emulator: { endpoint: "an IP endpoint", region: "pek3a", elsewhere: "sh1a", refusal: "whatever zone it serves" },
  more: () => {
    it("leaves a location in front of an endpoint that names no zone (qingstor.com, a custom domain)", () => {
      expect(createdZone("sh1a", undefined, parseEndpoint("https:qingstor.com"))).toBe("sh1a");
      expect(createdZone("sh1a", "pek3b", parseEndpoint("https:storage.example.com"))).toBe("sh1a");
      expect(createdZone(undefined, undefined, parseEndpoint("https:pek3b.qingstor.com"))).toBe("pek3b");
    });
  },
});
