import { expect } from "@jest/globals";
import { newStorager } from "@stowage/core";
import { expectThrown } from "./fixtures.js";

/**
 * go-storage's `enable_virtual_dir` in a connection string (`base`: one that opens the driver's
 * storager, ending in a pair): `true`, a bare key or go-storage's `t` opens it (virtual directories
 * are always on: `features.virtualDir`), `false` or `f` is `ConnectionStringInvalid`, saying why.
 */
export function checkVirtualDirPair(base: string): void {
  for (const on of ["&enable_virtual_dir", "&enable_virtual_dir=true", "&enable_virtual_dir=t"]) expect(newStorager(base + on).features.virtualDir).toBe(true);
  for (const off of ["&enable_virtual_dir=false", "&enable_virtual_dir=f"]) {
    const e = expectThrown(() => newStorager(base + off), "ConnectionStringInvalid");
    expect(e.message).toContain('invalid value for pair "enable_virtual_dir": must be true: virtual directories are always on');
  }
}
