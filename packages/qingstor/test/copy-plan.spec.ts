import { describe, expect, it } from "@jest/globals";
import type { BufferedResponse } from "@stowage/core";
import type { QingStorClient } from "../src/client.js";
import { COPY_PART_SIZE, copyPartPlan, multipartCopy } from "../src/multipart.js";
import type { QsCall } from "../src/requests.js";

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;
const TiB = 1024 * GiB;

/** A client that answers every call with success and records it; nothing is sent. */
function recordingClient(): { client: QingStorClient; calls: QsCall[] } {
  const calls: QsCall[] = [];
  const client = {
    bucket: "bkt",
    secure: true,
    async sendBuffered(call: QsCall): Promise<BufferedResponse> {
      calls.push(call);
      const body = call.operation === "initiate_multipart_upload" ? Buffer.from('{"upload_id":"U"}') : Buffer.alloc(0);
      return { status: 201, body, requestId: "r", attempts: 1, headers: {}, header: (n: string) => (n === "etag" ? '"0123456789abcdef0123456789abcdef"' : undefined) } as unknown as BufferedResponse;
    },
  };
  return { client: client as unknown as QingStorClient, calls };
}

describe("qingstor multipart copy plan", () => {
  it("keeps the part size while 10,000 parts suffice", () => {
    expect(copyPartPlan(6 * GiB)).toEqual({ partSize: COPY_PART_SIZE, count: 12 });
    expect(copyPartPlan(0)).toEqual({ partSize: COPY_PART_SIZE, count: 1 });
    expect(copyPartPlan(10_000 * COPY_PART_SIZE)).toEqual({ partSize: COPY_PART_SIZE, count: 10_000 });
  });

  it.each([10_000 * COPY_PART_SIZE + 1, 6 * TiB, 20 * TiB, 50e12, 10_000 * 5 * GiB])("raises the part size to fit 10,000 parts (%d bytes)", (size) => {
    const plan = copyPartPlan(size);
    expect(plan.count).toBeLessThanOrEqual(10_000);
    expect(plan.partSize % MiB).toBe(0);
    expect(plan.partSize).toBeLessThanOrEqual(5 * GiB);
    expect(plan.partSize * plan.count).toBeGreaterThanOrEqual(size);
    expect(plan.partSize * (plan.count - 1)).toBeLessThan(size);
  });

  it("refuses a source that even 5 GiB parts cannot cover, before anything is sent", async () => {
    expect(() => copyPartPlan(10_000 * 5 * GiB + 1)).toThrow(expect.objectContaining({ code: "InvalidArgument" }));
    const { client, calls } = recordingClient();
    await expect(multipartCopy(client, "src", "dst", { key: "src", mode: "file", size: 60 * TiB }, {}, true)).rejects.toMatchObject({ code: "InvalidArgument" });
    expect(calls).toHaveLength(0);
  });

  it("a 6 TiB copy sends part numbers 0..9999 only, covering every byte once", async () => {
    const { client, calls } = recordingClient();
    const size = 6 * TiB + 12345;
    await multipartCopy(client, "src", "dst", { key: "src", mode: "file", size }, {}, true);
    const copies = calls.filter((c) => c.operation === "upload_multipart_copy");
    const numbers = copies.map((c) => Number(c.query.find(([k]) => k === "part_number")![1]));
    expect(Math.max(...numbers)).toBeLessThanOrEqual(9999);
    expect(new Set(numbers).size).toBe(copies.length);
    const ranges = copies
      .map((c) => /^bytes=(\d+)-(\d+)$/.exec(c.headers["x-qs-copy-range"] ?? "")!)
      .map((m) => [Number(m[1]), Number(m[2])] as const)
      .sort((a, b) => a[0] - b[0]);
    expect(ranges[0]![0]).toBe(0);
    for (let i = 1; i < ranges.length; i++) expect(ranges[i]![0]).toBe(ranges[i - 1]![1] + 1);
    expect(ranges.at(-1)![1]).toBe(size - 1);
    expect(calls.at(-1)!.operation).toBe("complete_multipart_upload");
  });
});
