import { runBucketLostAnswerSuite } from "@stowage/behavior-tests";
import { startEmulator } from "@stowage/emulator";
import "../src/index.js";

runBucketLostAnswerSuite(() => startEmulator({ provider: "oss", buckets: ["taken-bucket"] }), {
  provider: "oss",
  calls: { create: "PutBucket", delete: "DeleteBucket" },
  codes: { exists: "BucketAlreadyExists", missing: "NoSuchBucket" },
  lostCreate: { retry: "the retry's BucketAlreadyExists is checked with GetBucketInfo", requests: { CreateBucket: 2, HeadBucket: 1 } },
  plainRefusals: { taken: "taken-bucket", missing: "never-was-here" },
  unreachable: {
    probe: "GetBucketInfo",
    codes: { internal: "InternalError", denied: "AccessDenied" },
    errorBody: (code, requestId) => ({
      contentType: "application/xml",
      body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>m</Message><RequestId>${requestId}</RequestId></Error>`,
    }),
    requests: ["PUT /someone-elses/", "PUT /someone-elses/", "GET /someone-elses/?bucketInfo"],
  },
});
