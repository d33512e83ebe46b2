import { describe, expect, it } from "@jest/globals";
import type { CredentialShape } from "../src/registry/credential-source.js";
import { sharedCredentialSource } from "../src/registry/shared-credential-source.js";

interface Keys {
  id: string;
  secret: string;
  expiration?: number;
}

const SHAPE: Pick<CredentialShape<Keys>, "keys"> = { keys: ["id", "secret"] };

function counting(): { provider: () => Keys; calls: () => number } {
  let calls = 0;
  return { provider: () => ({ id: `id${++calls}`, secret: "s", expiration: Date.now() + 3_600_000 }), calls: () => calls };
}

describe("sharedCredentialSource", () => {
  it("gives every caller with the same provider function one cache: N sources, one provider call", async () => {
    const p = counting();
    const sources = Array.from({ length: 5 }, () => sharedCredentialSource(p.provider, SHAPE));
    for (const s of sources) expect(s).toBe(sources[0]);
    const got = await Promise.all(sources.map((s) => s.get()));
    expect(got.map((k) => k.id)).toEqual(["id1", "id1", "id1", "id1", "id1"]);
    expect(p.calls()).toBe(1);
  });

  it("shares renewals after a refusal: one invalidate, one new provider call for everyone", async () => {
    const p = counting();
    const a = sharedCredentialSource(p.provider, SHAPE);
    const b = sharedCredentialSource(p.provider, SHAPE);
    const used = await a.get();
    a.invalidate!(used);
    b.invalidate!(used); // the same refusal seen by another storager: already moved on
    expect((await b.get()).id).toBe("id2");
    expect((await a.get()).id).toBe("id2");
    expect(p.calls()).toBe(2);
  });

  it("keeps separate caches for other functions and other timeouts", async () => {
    const p = counting();
    const q = counting();
    expect(sharedCredentialSource(p.provider, SHAPE)).not.toBe(sharedCredentialSource(q.provider, SHAPE));
    expect(sharedCredentialSource(p.provider, SHAPE, { timeoutMs: 1000 })).not.toBe(sharedCredentialSource(p.provider, SHAPE));
    expect(sharedCredentialSource(p.provider, SHAPE, { timeoutMs: 1000 })).toBe(sharedCredentialSource(p.provider, SHAPE, { timeoutMs: 1000 }));
  });
});
