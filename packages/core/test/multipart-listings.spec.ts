import { describe, expect, it } from "@jest/globals";
import { parseXml, xmlDate, xmlInt } from "../src/http/xml.js";
import { parseListPartsResult, parseListUploadsResult } from "../src/listing/multipart-listings.js";

const xml = (s: string): Buffer => Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>${s}`);

describe("S3-style multipart listing documents", () => {
  const parts = (truncated: string, extra = "") =>
    xml(
      `<ListPartsResult><IsTruncated>${truncated}</IsTruncated>${extra}` +
        `<Part><PartNumber>1</PartNumber><Size>5</Size><ETag>"a"</ETag><LastModified>2026-01-02T03:04:05.000Z</LastModified><HashCrc64ecma>123</HashCrc64ecma></Part>` +
        `<Part><PartNumber>0</PartNumber><Size>1</Size><ETag>"bad"</ETag></Part>` +
        `<Part><PartNumber>3</PartNumber><Size>7</Size><ETag>"c"</ETag><HashCrc64ecma></HashCrc64ecma></Part></ListPartsResult>`,
    );

  it("lists parts 0-based, with their CRC-64 only when asked for its element", async () => {
    const plain = await parseListPartsResult(parts("false"));
    expect(plain).toEqual({
      items: [
        { index: 0, size: 5, etag: '"a"', lastModified: new Date("2026-01-02T03:04:05.000Z") },
        { index: 2, size: 7, etag: '"c"' },
      ],
    });
    const withCrc = await parseListPartsResult(parts("false"), "HashCrc64ecma");
    expect(withCrc.items.map((p) => p.crc64)).toEqual(["123", undefined]);
  });

  it("continues a truncated page at its marker, or after its last part", async () => {
    expect((await parseListPartsResult(parts("true", "<NextPartNumberMarker>9</NextPartNumberMarker>"))).nextMarker).toBe("9");
    expect((await parseListPartsResult(parts("true"))).nextMarker).toBe("3");
  });

  it("lists uploads as part objects, decoding url-encoded keys under either spelling of the encoding element", async () => {
    for (const element of ["Encoding-Type", "EncodingType"]) {
      const page = await parseListUploadsResult(
        xml(
          `<ListMultipartUploadsResult><${element}>url</${element}><IsTruncated>true</IsTruncated>` +
            `<Upload><Key>a%20b%2Fc</Key><UploadId>u1</UploadId><Initiated>2026-01-02T03:04:05.000Z</Initiated><StorageClass>STANDARD</StorageClass></Upload>` +
            `</ListMultipartUploadsResult>`,
        ),
      );
      expect(page.items).toEqual([{ key: "a b/c", mode: "part", multipartId: "u1", lastModified: new Date("2026-01-02T03:04:05.000Z"), storageClass: "STANDARD" }]);
      // No next markers given: continue after the last upload.
      expect(page.next).toEqual({ keyMarker: "a b/c", uploadIdMarker: "u1" });
    }
    const last = await parseListUploadsResult(
      xml(`<ListMultipartUploadsResult><IsTruncated>true</IsTruncated><NextKeyMarker>k%2B</NextKeyMarker><NextUploadIdMarker>u9</NextUploadIdMarker></ListMultipartUploadsResult>`),
    );
    expect(last).toEqual({ items: [], next: { keyMarker: "k%2B", uploadIdMarker: "u9" } });
    expect(await parseListUploadsResult(xml(`<ListMultipartUploadsResult><IsTruncated>false</IsTruncated></ListMultipartUploadsResult>`))).toEqual({ items: [] });
  });

  it("refuses a cut-short document", async () => {
    await expect(parseListPartsResult(Buffer.from("<ListPartsResult><Part>"))).rejects.toMatchObject({ code: "Unexpected" });
  });
});

describe("xmlInt and xmlDate", () => {
  it("read whole numbers and dates, and nothing else", async () => {
    const { value } = await parseXml("<R><N> 42 </N><F>4.2</F><M>-1</M><D>Mon, 02 Jan 2026 03:04:05 GMT</D><X>soon</X></R>");
    expect(xmlInt(value, "N")).toBe(42);
    expect([xmlInt(value, "F"), xmlInt(value, "M"), xmlInt(value, "missing")]).toEqual([undefined, undefined, undefined]);
    expect(xmlDate(value, "D")?.toISOString()).toBe("2026-01-02T03:04:05.000Z");
    expect([xmlDate(value, "X"), xmlDate(value, "missing")]).toEqual([undefined, undefined]);
  });
});

describe("S3-style multipart listings marked truncated with nothing to continue from", () => {
  it("are Unexpected (retryable), never the end of the listing nor a restart", async () => {
    const unexpected = { code: "Unexpected", retryable: true };
    await expect(parseListPartsResult(xml("<ListPartsResult><IsTruncated>true</IsTruncated></ListPartsResult>"))).rejects.toMatchObject(unexpected);
    await expect(parseListUploadsResult(xml("<ListMultipartUploadsResult><IsTruncated>true</IsTruncated></ListMultipartUploadsResult>"))).rejects.toMatchObject(unexpected);
    await expect(
      parseListUploadsResult(xml("<ListMultipartUploadsResult><IsTruncated>true</IsTruncated><NextKeyMarker></NextKeyMarker></ListMultipartUploadsResult>")),
    ).rejects.toMatchObject(unexpected);
    expect((await parseListPartsResult(xml("<ListPartsResult><IsTruncated>true</IsTruncated><NextPartNumberMarker>4</NextPartNumberMarker></ListPartsResult>"))).nextMarker).toBe("4");
  });
});

describe("S3-style multipart listings that are no listing (a 200 with another document)", () => {
  it("refuse an <Error> document, another root and an absent or unreadable IsTruncated: never an empty last page", async () => {
    const unexpected = { code: "Unexpected", retryable: true };
    const error = xml("<Error><Code>InternalError</Code><Message>m</Message><RequestId>r</RequestId></Error>");
    await expect(parseListPartsResult(error)).rejects.toMatchObject(unexpected);
    await expect(parseListUploadsResult(error)).rejects.toMatchObject(unexpected);
    await expect(parseListPartsResult(xml("<ListMultipartUploadsResult><IsTruncated>false</IsTruncated></ListMultipartUploadsResult>"))).rejects.toMatchObject(unexpected);
    await expect(parseListUploadsResult(xml("<ListPartsResult><IsTruncated>false</IsTruncated></ListPartsResult>"))).rejects.toMatchObject(unexpected);
    await expect(parseListPartsResult(xml("<ListPartsResult><Part><PartNumber>1</PartNumber></Part></ListPartsResult>"))).rejects.toMatchObject(unexpected);
    await expect(parseListUploadsResult(xml("<ListMultipartUploadsResult></ListMultipartUploadsResult>"))).rejects.toMatchObject(unexpected);
    await expect(parseListPartsResult(xml("<ListPartsResult><IsTruncated>yes</IsTruncated></ListPartsResult>"))).rejects.toMatchObject(unexpected);
    // A whole answer still reads, namespaced root (OSS) included.
    expect(await parseListPartsResult(xml('<ListPartsResult xmlns="http://doc.oss-cn-hangzhou.aliyuncs.com"><IsTruncated>false</IsTruncated></ListPartsResult>'))).toEqual({ items: [] });
  });
});
