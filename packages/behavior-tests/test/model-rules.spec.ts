/**
 * What the model-based suite asks of a storage before its first step: rules for the service (known
 * here, or given) that agree with its features, and listings in both modes.
 */
import { describe, expect, it } from "@jest/globals";
import { defineFeatures } from "@stowage/core";
import { memoryFeatures } from "@stowage/memory";
import { checkModelListings, rulesFor } from "../src/model/model-rules.js";

describe("model rules", () => {
  it("rulesFor: a service the suite does not know is refused, naming the option to pass", () => {
    expect(() => rulesFor("kv", memoryFeatures)).toThrow('no model rules for service "kv": pass options.rules to runModelSuite');
  });

  it("rulesFor: a known service whose features contradict its namespace is refused", () => {
    expect(rulesFor("memory", memoryFeatures).namespace).toBe("tree");
    expect(() => rulesFor("memory", defineFeatures({ ...memoryFeatures, virtualDir: true }))).toThrow("the model's tree namespace disagrees with features.virtualDir true");
  });

  it("checkModelListings: a storage without prefix or dir listings is refused, naming what is off", () => {
    expect(() => checkModelListings("memory", memoryFeatures)).not.toThrow();
    expect(() => checkModelListings("kv", defineFeatures({ list: true, listPrefix: true }))).toThrow("kv: the model suite lists the work_dir in prefix and dir mode after every step, so it needs features.listPrefix and listDir (off: listDir)");
    expect(() => checkModelListings("kv", defineFeatures({ list: true }))).toThrow("(off: listPrefix, listDir)");
  });
});
