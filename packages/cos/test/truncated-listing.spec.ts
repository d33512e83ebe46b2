/**
 * A listing answer marked truncated that gives no way to go on is an error, never the end of the
 * listing (a short listing passed off as complete): forged GET Bucket and GET Service bodies.
 */
import { describe, expect, it } from "@jest/globals";
import { parseListBuckets, parseListObjects } from "../src/responses.js";

const xml = (s: string): Buffer => Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>${s}`);
const objects = (inner: string): Buffer => xml(`<ListBucketResult><Name>b-1250000000</Name><EncodingType>url</EncodingType>${inner}</ListBucketResult>`);
const unexpected = { code: "Unexpected", retryable: true };

describe("cos: truncated listing answers", () => {
  it("GET Bucket: IsTruncated without NextMarker and without entries is Unexpected (retryable)", async () => {
    await expect(parseListObjects(objects("<IsTruncated>true</IsTruncated>"))).rejects.toMatchObject(unexpected);
    await expect(parseListObjects(objects("<IsTruncated>true</IsTruncated><NextMarker></NextMarker>"))).rejects.toMatchObject(unexpected);
  });

  it("GET Bucket: a truncated page continues from NextMarker, else after its last entry (key order)", async () => {
    const withMarker = await parseListObjects(objects("<IsTruncated>true</IsTruncated><NextMarker>d%2F</NextMarker><CommonPrefixes><Prefix>d%2F</Prefix></CommonPrefixes><Contents><Key>a</Key></Contents>"));
    expect(withMarker.nextMarker).toBe("d/");
    const without = await parseListObjects(objects("<IsTruncated>true</IsTruncated><CommonPrefixes><Prefix>z%2F</Prefix></CommonPrefixes><Contents><Key>b</Key></Contents>"));
    expect(without.nextMarker).toBe("z/");
    expect(await parseListObjects(objects("<IsTruncated>false</IsTruncated>"))).toEqual({ items: [] });
  });

  it("GET Bucket: a NextMarker before the page's last entry (a damaged answer) is Unexpected (retryable), never a page to go on from", async () => {
    // One byte of the marker changed on the way: the next page would repeat keys.
    const page = (next: string): Buffer =>
      objects(`<IsTruncated>true</IsTruncated><NextMarker>${next}</NextMarker><Contents><Key>lp%2Fk000</Key></Contents><Contents><Key>lp%2Fk001</Key></Contents>`);
    for (const next of ["lp%2Fk00!", "lp%2Fk000", "lp%2Fk00"]) {
      await expect(parseListObjects(page(next))).rejects.toMatchObject({ ...unexpected, message: expect.stringContaining("NextMarker goes back") });
    }
    expect((await parseListObjects(page("lp%2Fk001"))).nextMarker).toBe("lp/k001");
    // Past the last entry is how S3-style servers go on past keys they skipped, or from inside a
    // rolled-up prefix (`d/` listed, `d/zz` the marker): taken as given.
    expect((await parseListObjects(page("zz"))).nextMarker).toBe("zz");
    const rolled = objects("<IsTruncated>true</IsTruncated><NextMarker>d%2Fzz</NextMarker><CommonPrefixes><Prefix>d%2F</Prefix></CommonPrefixes><Contents><Key>a</Key></Contents>");
    expect((await parseListObjects(rolled)).nextMarker).toBe("d/zz");
  });

  it("GET Service: IsTruncated without NextMarker is Unexpected, with one it continues there", async () => {
    const buckets = (inner: string): Buffer => xml(`<ListAllMyBucketsResult><Buckets><Bucket><Name>a-1250000000</Name></Bucket></Buckets>${inner}</ListAllMyBucketsResult>`);
    await expect(parseListBuckets(buckets("<IsTruncated>true</IsTruncated>"))).rejects.toMatchObject(unexpected);
    await expect(parseListBuckets(buckets("<IsTruncated>true</IsTruncated><NextMarker></NextMarker>"))).rejects.toMatchObject(unexpected);
    expect((await parseListBuckets(buckets("<IsTruncated>true</IsTruncated><NextMarker>a-1250000000</NextMarker>"))).nextMarker).toBe("a-1250000000");
    expect(await parseListBuckets(buckets("<IsTruncated>false</IsTruncated>"))).toEqual({ items: [{ name: "a-1250000000" }] });
  });

  it("a 200 that is no listing (an <Error> document, another document, no IsTruncated) is Unexpected (retryable), never an empty last page", async () => {
    const error = xml("<Error><Code>InternalError</Code><Message>m</Message><RequestId>r</RequestId></Error>");
    await expect(parseListObjects(error)).rejects.toMatchObject(unexpected);
    await expect(parseListObjects(xml("<ListAllMyBucketsResult><IsTruncated>false</IsTruncated></ListAllMyBucketsResult>"))).rejects.toMatchObject(unexpected);
    await expect(parseListObjects(objects("<Contents><Key>a</Key></Contents>"))).rejects.toMatchObject(unexpected);
    await expect(parseListObjects(objects("<IsTruncated>False</IsTruncated>"))).rejects.toMatchObject(unexpected);
    await expect(parseListBuckets(error)).rejects.toMatchObject(unexpected);
    await expect(parseListBuckets(objects("<IsTruncated>false</IsTruncated>"))).rejects.toMatchObject(unexpected);
    await expect(parseListBuckets(xml("<ListAllMyBucketsResult><IsTruncated>1</IsTruncated></ListAllMyBucketsResult>"))).rejects.toMatchObject(unexpected);
    // GET Service may leave IsTruncated out when it does not page: the last page.
    expect(await parseListBuckets(xml("<ListAllMyBucketsResult><Buckets><Bucket><Name>a</Name></Bucket></Buckets></ListAllMyBucketsResult>"))).toEqual({ items: [{ name: "a" }] });
  });
});
