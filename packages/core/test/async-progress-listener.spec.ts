// An async onProgress listener whose promise rejects (review-progress L2): the ProgressListener type
// lets one through, and its rejection ended the process as an unhandled rejection after the call.
import { afterEach, beforeEach, describe, expect, it } from "@jest/globals";
import { ProgressReporter, progressRelay, tell } from "../src/storager/progress-reporter.js";

let unhandled: unknown[];
const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
beforeEach(() => {
  unhandled = [];
  process.on("unhandledRejection", onUnhandled);
});
afterEach(() => {
  process.off("unhandledRejection", onUnhandled);
});

/** Lets promise rejections settle and Node's unhandled-rejection check run. */
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20));

describe("an async progress listener that rejects", () => {
  it("is called, its rejection dropped, and the transfer goes on (writes, relayed copies, reads)", async () => {
    const seen: number[] = [];
    const listener = async (p: { bytes: number }): Promise<void> => {
      seen.push(p.bytes);
      throw new Error("async listener bug");
    };
    const reporter = new ProgressReporter(listener, 10);
    reporter.report(4);
    reporter.report(8);
    reporter.finish(10);
    progressRelay(listener)!({ bytes: 5, total: 5 });
    tell(listener, { bytes: 3 });
    await settle();
    expect(seen).toEqual([4, 8, 10, 5, 3]);
    expect(unhandled).toEqual([]);
  });

  it("a synchronous throw still fails the transfer", () => {
    const reporter = new ProgressReporter(() => {
      throw new Error("sync bug");
    }, 10);
    expect(() => reporter.report(1)).toThrow("the onProgress listener threw: sync bug");
  });
});
