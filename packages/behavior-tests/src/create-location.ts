import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import { newServicer, newStorager, parseEndpoint, type Endpoint, type Servicer, type Storager } from "@stowage/core";
import { collect } from "./fixtures.js";
import { emulatorServicer, type ServiceEmulator } from "./service-emulator.js";

/** An endpoint host that names a region, and the locations checked against it (see {@link CreateLocationOptions.named}). */
export interface NamedEndpoint {
  /** The host ("cos.ap-beijing.myqcloud.com"). */
  host: string;
  /** The region it names ("ap-beijing"). */
  region: string;
  /** Another region, which a servicer on `host` refuses. */
  other: string;
  /** Another spelling of `region` the driver takes for it ("oss-cn-beijing"). */
  alias?: string;
}

/** Provider-specific values of {@link runCreateLocationSuite}. */
export interface CreateLocationOptions {
  /** The connection-string type ("cos"), also the first word of describe names. */
  provider: string;
  /** What the service calls a location, for describe names: "region" (default) or "zone". */
  term?: string;
  /** The driver's reading of an endpoint: the region it names, if any. */
  endpointRegion(endpoint: Endpoint): string | undefined;
  /** Hosts and the region each names (`undefined`: none), one case each. */
  hosts: ReadonlyArray<readonly [string, string | undefined]>;
  /** The endpoint the open-time cases use (nothing is sent to it). */
  named: NamedEndpoint;
  /** Set when a storager or servicer opened on `named.host` without a location takes its region. */
  locationFromEndpoint?: boolean;
  /** Set, with the reason for the case name, when a storager on `named.host` takes `named.other`. */
  storagerElsewhere?: string;
  /** The service's spelling of a bucket named `stem` (COS appends the APPID); default: `stem` itself. */
  bucket?: (stem: string) => string;
  /** The emulator (started by `setup`): its endpoint, for the describe name ("an IP endpoint"), and its region. */
  emulator: {
    endpoint: string;
    region: string;
    /** A location a create there is refused, and what the refusal says ("names no region"). */
    elsewhere: string;
    refusal: string;
  };
  /** Registers the driver's own cases at the end of the first describe. */
  more?: () => void;
}

/** The buckets `srv` lists, with their locations. */
async function listed(srv: Servicer): Promise<Map<string, string | undefined>> {
  return new Map((await collect(srv.list())).map((s) => [s.info.name, s.info.location]));
}

/** The cases against `o.named` (open time and create, before anything is sent). */
function registerNamedCases(o: CreateLocationOptions, bucket: (stem: string) => string): void {
  const p = o.provider;
  const { host, region, other, alias } = o.named;
  // Refusals come before any request: nothing may reach these hosts (no retries, short timeout, in case).
  const NAMED = `credential=hmac:ak:sk&endpoint=https:${host}&max_retries=0&request_timeout=200ms`;
  const b = bucket("bucket-b");

  if (o.locationFromEndpoint === true) {
    it("is the location of a storager opened without one", () => {
      expect(newStorager(`${p}://${b}/?${NAMED}`).info.location).toBe(region);
      expect(newServicer(`${p}://?${NAMED}`).get(b).info.location).toBe(region);
    });
  }

  it("refuses another location for a servicer, at open time and in create (before anything is sent)", async () => {
    expect(() => newServicer(`${p}://?${NAMED}&location=${other}`)).toThrow(expect.objectContaining({ code: "ConnectionStringInvalid", message: expect.stringContaining(region) }));
    if (alias !== undefined) expect(newServicer(`${p}://?${NAMED}&location=${alias}`).get(b).info.location).toBe(region);
    const srv = newServicer(`${p}://?${NAMED}`);
    await expect(srv.create(b, { location: other })).rejects.toMatchObject({ code: "InvalidArgument", op: "servicer_create", message: expect.stringContaining(`disagrees with endpoint ${host}`) });
    expect(newStorager(`${p}://${b}/?${NAMED}&location=${region}`).info.location).toBe(region);
    if (alias !== undefined) expect(newStorager(`${p}://${b}/?${NAMED}&location=${alias}`).info.location).toBe(region);
  });

  if (o.storagerElsewhere !== undefined) {
    it(`does not refuse a storager's location: ${o.storagerElsewhere}`, () => {
      expect(newStorager(`${p}://${b}/?${NAMED}&location=${other}`).info.location).toBe(other);
    });
  }
}

/**
 * Registers, as jest `describe` blocks named `<provider>: ...`, the cases of the location a
 * bucket is created in: the region each of `hosts` names; a servicer on an endpoint that names a
 * region refuses another location at open time and in create, before anything is sent, while a
 * storager reports the one it is given; on the emulator (whose endpoint names none), create
 * refuses a location other than the servicer's own and creates nothing, and otherwise creates
 * in the servicer's own, which the storagers and the listing report. Optional parts:
 * `locationFromEndpoint`, `storagerElsewhere`, `named.alias`.
 *
 * `setup` runs once in `beforeAll` and starts the provider's emulator with region
 * `emulator.region` (stopped in `afterAll`).
 *
 * @throws nothing itself; the registered cases fail on StorageError codes other than the expected
 *   one (InvalidArgument).
 */
export function runCreateLocationSuite(setup: () => Promise<ServiceEmulator>, o: CreateLocationOptions): void {
  const bucket = o.bucket ?? ((stem: string) => stem);
  const own = o.emulator.region;
  let emulator: ServiceEmulator | undefined;

  beforeAll(async () => {
    emulator = await setup();
  });

  afterAll(async () => {
    await emulator?.stop();
  });

  /** A servicer on the emulator with `pairs` appended. */
  const open = (pairs = ""): Servicer => {
    if (emulator === undefined) throw new Error("the create-location suite's setup did not run");
    return emulatorServicer(o.provider, emulator, pairs);
  };

  describe(`${o.provider}: the ${o.term ?? "region"} an endpoint names`, () => {
    it.each(o.hosts)("%s → %s", (host, region) => {
      expect(o.endpointRegion(parseEndpoint(`https:${host}`))).toBe(region);
    });
    registerNamedCases(o, bucket);
    o.more?.();
  });

  describe(`${o.provider}: create's location with ${o.emulator.endpoint} (the emulator)`, () => {
    it("is refused when it is not the servicer's own, and no bucket is created", async () => {
      const name = bucket("elsewhere-bucket");
      for (const srv of [open(), open(`&location=${own}`)]) {
        await expect(srv.create(name, { location: o.emulator.elsewhere })).rejects.toMatchObject({ code: "InvalidArgument", message: expect.stringContaining(o.emulator.refusal) });
      }
      expect((await listed(open())).has(name)).toBe(false);
    });

    it("is the servicer's own otherwise, which the storager reports", async () => {
      const srv = open(`&location=${own}`);
      const [here, hereToo] = [bucket("here-bucket"), bucket("here-too-bucket")];
      const stores: Storager[] = [await srv.create(here, { location: own }), await srv.create(hereToo)];
      expect(stores.map((s) => s.info.location)).toEqual([own, own]);
      const all = await listed(srv);
      expect([all.get(here), all.get(hereToo)]).toEqual([own, own]);
      await srv.delete(here);
      await srv.delete(hereToo);
    });
  });
}
