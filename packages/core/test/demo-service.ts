import type { ServiceDefinition } from "../src/registry/service-definition.js";

/** A service `demo` with no pairs of its own that needs a bucket name, for specs that only open (its driver is never made). */
export const demoService: ServiceDefinition = {
  type: "demo",
  packageName: "@stowage/demo",
  description: "demo service",
  pairs: {},
  storagerRequires: ["name"],
  newStorageDriver: () => {
    throw new Error("not used");
  },
};
