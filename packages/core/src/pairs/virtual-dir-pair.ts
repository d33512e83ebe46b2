import { definePair } from "./pair-definition.js";

/**
 * The `enable_virtual_dir` pair of go-storage's object-store drivers (COS, OSS, QingStor), for
 * connection strings written for go-storage: there it turns virtual directories on; Stowage's
 * object stores always have them (`features.virtualDir`: `d/` markers, listings that show
 * directories), so `true` changes nothing. `false` is refused when the storager is opened: a
 * storage without virtual directories is not one Stowage offers. Drivers put it in their pair set.
 */
export const virtualDirPair = definePair({
  name: "enable_virtual_dir",
  type: "boolean",
  description:
    "Accepted for go-storage connection strings: virtual directories (d/ markers, listings in dir mode) are always on here, so true changes nothing; false is refused (ConnectionStringInvalid in a connection string, InvalidArgument in an options object).",
  operations: ["new"],
  validate: (value: boolean) => (value ? undefined : "must be true: virtual directories are always on for this service (go-storage's switch to turn them on changes nothing here)"),
});
