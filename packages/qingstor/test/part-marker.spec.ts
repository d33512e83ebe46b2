import { describe, expect, it } from "@jest/globals";
import { listPartsPage } from "../src/lister.js";

/** A client whose ListMultipart answers come from `answer` (by marker), recording the markers asked for. */
function fakeClient(answer: (marker: string | undefined) => number[], asked: Array<string | undefined>) {
  return {
    sendBuffered: async (call: { query: Array<readonly [string, string | undefined]> }, options?: { validate?: (res: unknown) => unknown }) => {
      const marker = call.query.find(([k]) => k === "part_number_marker")?.[1];
      asked.push(marker);
      const parts = answer(marker).map((n) => ({ part_number: n, size: 1, etag: `"${"0".repeat(31)}${n % 10}"` }));
      const res = { status: 200, body: Buffer.from(JSON.stringify({ count: parts.length, object_parts: parts })) };
      // As the client does: the answer is parsed (or refused) by `validate`.
      const refused = await options?.validate?.(res);
      if (refused !== undefined) throw refused;
      return res;
    },
  } as never;
}

describe("qingstor: the part-number marker of a parts listing", () => {
  it("takes a part number 0..10000 in decimal digits", async () => {
    const asked: Array<string | undefined> = [];
    const client = fakeClient((m) => [Number(m) + 1], asked);
    expect((await listPartsPage(client, "k", "id", "0", {})).items.map((p) => p.index)).toEqual([1]);
    expect((await listPartsPage(client, "k", "id", "9998", {})).items.map((p) => p.index)).toEqual([9999]);
    expect(asked).toEqual(["0", "9998"]);
  });

  it.each([
    ["signed", "-1"],
    ["hex", "0x10"],
    ["an exponent", "1e3"],
    ["fractional", "1.5"],
    ["white space", " 7"],
    ["past QingStor's last part number", "10001"],
    ["above 2^53 - 1 (it would round to another number)", "9007199254740993"],
    ["six digits", "000001"],
  ])("refuses a token that is %s with InvalidArgument, sending nothing", async (_label, token) => {
    const asked: Array<string | undefined> = [];
    await expect(listPartsPage(fakeClient(() => [], asked), "k", "id", token, {})).rejects.toMatchObject({
      name: "StorageError",
      code: "InvalidArgument",
      message: expect.stringContaining(`invalid list token for parts: ${JSON.stringify(token)} is not a part number (0..10000)`),
    });
    expect(asked).toEqual([]);
  });

  it("ends the listing at part number 10000, QingStor's last: it never hands on a token it would refuse", async () => {
    const asked: Array<string | undefined> = [];
    const client = fakeClient((m) => (m === undefined ? [9999, 10000] : []), asked);
    const page = await listPartsPage(client, "k", "id", undefined, {});
    expect(page.items.map((p) => p.index)).toEqual([9999, 10000]);
    expect(page.nextToken).toBeUndefined();
    expect(asked).toEqual([undefined]);
  });
});
