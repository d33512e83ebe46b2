import { afterAll, beforeAll, describe, expect, it } from "@jest/globals";
import type { Storager } from "@stowage/core";
import { registerAbortCases } from "./cases/abort.js";
import { registerAppendCases } from "./cases/append.js";
import { registerCallerBufferCases } from "./cases/caller-buffers.js";
import { registerConditionalWriteCases } from "./cases/conditional-write.js";
import { registerConditionCases } from "./cases/conditions.js";
import { registerCopyAttributeCases } from "./cases/copy-attributes.js";
import { registerCopyCases } from "./cases/copy.js";
import { registerDeleteCases } from "./cases/delete.js";
import { registerDirCases } from "./cases/dir.js";
import { registerFetchCases } from "./cases/fetch.js";
import { registerIntegrityCases } from "./cases/integrity.js";
import { registerLinkCases } from "./cases/link.js";
import { registerListCases } from "./cases/list.js";
import { registerListOrderCases } from "./cases/list-order.js";
import { registerMoveCases } from "./cases/move.js";
import { registerMultipartCases } from "./cases/multipart.js";
import { registerMultipartEdgeCases } from "./cases/multipart-edges.js";
import { registerObjectHeaderCases } from "./cases/object-headers.js";
import { registerPairCases } from "./cases/pairs.js";
import { registerPathCases } from "./cases/paths.js";
import { registerPresignCases } from "./cases/presign.js";
import { registerPresignMultipartCases } from "./cases/presign-multipart.js";
import { registerPresignSizeCases } from "./cases/presign-size.js";
import { registerProgressFinalCases } from "./cases/progress-final.js";
import { registerReadDirCases } from "./cases/read-dir.js";
import { registerReadObjectCases } from "./cases/read-object.js";
import { registerRelocateProgressCases } from "./cases/relocate-progress.js";
import { registerRestoreCases } from "./cases/restore.js";
import { registerResumeCases } from "./cases/resume.js";
import { registerStoragerCases } from "./cases/storager.js";
import { registerStreamCases } from "./cases/streams.js";
import { registerWriteFailureCases } from "./cases/write-failures.js";
import { Suite, type SuiteOptions } from "./context.js";
import { collect } from "./fixtures.js";

export type { SuiteOptions } from "./context.js";
export { workDirConnection } from "./work-dir.js";
export { expectError, expectThrown } from "./fixtures.js";
export { runFaultSuite, type FaultEmulator, type FaultSuiteOptions, type FaultTarget } from "./faults.js";
export { startProxy, type Proxy, type ProxyHooks } from "./proxy.js";
export { startAnswerProxy, type AnswerHook, type AnswerProxy } from "./answer-proxy.js";
export {
  useProxiedEmulator,
  type OpenProxiedStore,
  type ProxiedEmulator,
  type ProxiedEmulatorOptions,
  type ProxiedServiceEmulator,
  type ProxiedStores,
  type ProxiedStoreSettings,
  type ProxiedTransport,
} from "./proxied-emulator.js";
export { checkPresignedStorageClass } from "./presign-storage-class.js";
export { checkSseCAppends, checkSseCCopies, checkSseCDirs, checkSseCKeyHints } from "./sse-c-checks.js";
export { checkMissingBucketDeletes } from "./missing-bucket.js";
export { checkRootDeletes } from "./root-deletes.js";
export { checkVirtualDirPair } from "./virtual-dir-pair.js";
export { runBatchDeleteSuite, type BatchDeleteContext, type BatchDeleteOptions } from "./batch-delete.js";
export { checkPresignedUploadBodies } from "./presign-bodies.js";
export { completeWhileUploadGoes } from "./held-complete.js";
export { runBucketLostAnswerSuite, type BucketLostAnswerContext, type BucketLostAnswerOptions, type UnreachableBucketScript } from "./bucket-lost-answer.js";
export { runCreateLocationSuite, type CreateLocationOptions, type NamedEndpoint } from "./create-location.js";
export { useLoopbackHosts, type LoopbackHostsEmulator } from "./loopback-hosts.js";
export { bucketNames, checkDeleteRefusesNames, checkListedStoragers, checkStoragerReaches, checkUnlistedBuckets, listAllMyBucketsXml, type UnlistedBucketsCase } from "./servicer-regions.js";
export { runServicerCredentialSuite, type ServicerCredentialOptions } from "./servicer-credentials.js";
export { runProvidedCredentialSuite, type CredentialEmulator, type ProvidedCredentialOptions, type TokenKeys } from "./provided-credentials.js";
export { runMultipartAbortSuite, type MultipartAbortContext, type MultipartAbortOptions, type UploadLeft } from "./multipart-abort.js";
export { runMovePinnedSuite, type MovePinnedContext, type MovePinnedOptions } from "./move-pinned.js";
export { runAppendLostAnswerSuite, type AppendLostAnswerOptions } from "./append-lost-answer.js";
export { runPresignAbortSuite, type PresignAbortOptions } from "./presign-abort.js";
export { runArchivedObjectSuite, type ArchivedObjectOptions, type ArchiveEmulator, type ArchiveEmulatorSettings } from "./archived-objects.js";
export { runCompleteInvalidPartSuite, type CompleteInvalidPartOptions, type InvalidPartTarget } from "./complete-invalid-part.js";
export { runFetchSourceErrorSuite, type FetchSourceTarget } from "./fetch-source-errors.js";
export { runInitiateLostAnswerSuite, type InitiateLostAnswerEmulator, type InitiateLostAnswerOptions } from "./initiate-lost-answer.js";
export { runRestoreLostAnswerSuite, type RestoreLostAnswerEmulator, type RestoreLostAnswerOptions } from "./restore-lost-answer.js";
export { runForeignErrorBodySuite } from "./foreign-error-body.js";
export { runGateway503Suite, type Gateway503Options } from "./gateway-503.js";
export { runUnranged416Suite } from "./unranged-416.js";
export { runNextAppendPositionSuite, type NextAppendPositionOptions } from "./next-append-position.js";
export { runPresignTokenExpirySuite, type PresignTokenExpiryOptions, type TokenCredential } from "./presign-token-expiry.js";
export { runMetadataNameSuite, type MetadataNameOptions } from "./metadata-names.js";
export { runModelSuite, rulesFor, type DriverRules, type ModelSuiteOptions } from "./model/model-suite.js";

/**
 * Registers the behaviour suite (go-storage's go-integration-test, made stricter) as
 * jest `describe(name)` blocks: one `it()` per case, named `<op>: <case>`, each with
 * its own setup and cleanup. Cases for features the storager lacks assert the
 * refusal (`CapabilityInsufficient` / `PairUnsupported`) instead of being skipped.
 *
 * `open` must return a storager on a fresh, unique, empty work_dir; it is called once
 * in `beforeAll`. The last case checks that every case cleaned up after itself.
 */
export function runBehaviorSuite(name: string, open: () => Storager | Promise<Storager>, options: SuiteOptions = {}): void {
  describe(name, () => {
    const suite = new Suite(name, options);
    let store: Storager | undefined;

    beforeAll(async () => {
      store = await open();
      suite.store = store;
    });

    afterAll(async () => {
      if (store !== undefined && options.cleanup !== undefined) await options.cleanup(store);
    });

    describe("storager", () => registerStoragerCases(suite));
    describe("list", () => registerListCases(suite));
    describe("list order", () => registerListOrderCases(suite));
    describe("delete", () => registerDeleteCases(suite));
    describe("dir", () => registerDirCases(suite));
    describe("link", () => registerLinkCases(suite));
    describe("copy", () => registerCopyCases(suite));
    describe("copy attributes", () => registerCopyAttributeCases(suite));
    describe("move", () => registerMoveCases(suite));
    describe("append", () => registerAppendCases(suite));
    describe("multipart", () => registerMultipartCases(suite));
    describe("multipart edges", () => registerMultipartEdgeCases(suite));
    describe("resume", () => registerResumeCases(suite));
    describe("presign", () => registerPresignCases(suite));
    describe("presign multipart", () => registerPresignMultipartCases(suite));
    describe("presign size", () => registerPresignSizeCases(suite));
    describe("progress final event", () => registerProgressFinalCases(suite));
    describe("fetch", () => registerFetchCases(suite));
    describe("relocate progress", () => registerRelocateProgressCases(suite));
    describe("pairs", () => registerPairCases(suite));
    describe("object headers", () => registerObjectHeaderCases(suite));
    describe("paths", () => registerPathCases(suite));
    describe("streams", () => registerStreamCases(suite));
    describe("write failures", () => registerWriteFailureCases(suite));
    describe("caller buffers", () => registerCallerBufferCases(suite));
    describe("conditions", () => registerConditionCases(suite));
    describe("conditional writes", () => registerConditionalWriteCases(suite));
    describe("abort", () => registerAbortCases(suite));
    describe("integrity", () => registerIntegrityCases(suite));
    describe("read dir", () => registerReadDirCases(suite));
    describe("read onObject", () => registerReadObjectCases(suite));
    describe("restore", () => registerRestoreCases(suite));

    it("suite: every case cleaned up after itself (no object or upload left in work_dir)", async () => {
      const s = suite.store;
      const mode = s.features.listPrefix ? "prefix" : undefined;
      const left = await collect(s.list("", mode === undefined ? {} : { mode }));
      expect(left.filter((o) => o.mode !== "dir").map((o) => o.path)).toEqual([]);
      if (s.features.multipart && s.features.listMultipartUploads) {
        expect((await collect(s.list("", { mode: "part" }))).map((o) => `${o.path} (${o.multipartId})`)).toEqual([]);
      }
    });
  });
}
