/**
 * A listing answer marked truncated that gives no way to go on is an error, never the end of the
 * listing (a short listing passed off as complete): forged ListObjectsV2 and ListBuckets bodies.
 */
import { describe, expect, it } from "@jest/globals";
import { parseListBuckets, parseListObjects } from "../src/responses.js";

const xml = (s: string): Buffer => Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>${s}`);
const objects = (inner: string): Buffer => xml(`<ListBucketResult><Name>b</Name><EncodingType>url</EncodingType>${inner}</ListBucketResult>`);
const unexpected = { code: "Unexpected", retryable: true };

describe("oss: truncated listing answers", () => {
  it("ListObjectsV2: IsTruncated without NextContinuationToken is Unexpected (retryable), with or without entries", async () => {
    await expect(parseListObjects(objects("<IsTruncated>true</IsTruncated>"))).rejects.toMatchObject(unexpected);
    await expect(parseListObjects(objects("<IsTruncated>true</IsTruncated><Contents><Key>a</Key></Contents>"))).rejects.toMatchObject(unexpected);
    await expect(parseListObjects(objects("<IsTruncated>true</IsTruncated><NextContinuationToken></NextContinuationToken><Contents><Key>a</Key></Contents>"))).rejects.toMatchObject(unexpected);
    expect((await parseListObjects(objects("<IsTruncated>true</IsTruncated><NextContinuationToken>t%2B1</NextContinuationToken>"))).nextToken).toBe("t+1");
    expect(await parseListObjects(objects("<IsTruncated>false</IsTruncated>"))).toEqual({ items: [] });
  });

  it("ListBuckets: IsTruncated without NextMarker is Unexpected, with one it continues there", async () => {
    const buckets = (inner: string): Buffer => xml(`<ListAllMyBucketsResult>${inner}<Buckets><Bucket><Name>a</Name></Bucket></Buckets></ListAllMyBucketsResult>`);
    await expect(parseListBuckets(buckets("<IsTruncated>true</IsTruncated>"))).rejects.toMatchObject(unexpected);
    expect((await parseListBuckets(buckets("<IsTruncated>true</IsTruncated><NextMarker>a</NextMarker>"))).nextMarker).toBe("a");
    expect(await parseListBuckets(buckets("<IsTruncated>false</IsTruncated>"))).toEqual({ items: [{ name: "a" }] });
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
