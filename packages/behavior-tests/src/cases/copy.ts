import type { Suite } from "../context.js";
import { registerTransferCases } from "./transfer.js";

/** Ports TestCopier C1, C2, TestCopierWithDir CD1 / TestCopierWithVirtualDir CV1 (§7.5). */
export function registerCopyCases(suite: Suite): void {
  registerTransferCases(suite, "copy");
}
