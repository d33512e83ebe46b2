import { runBucketLostAnswerSuite } from "@stowage/behavior-tests";
import { startEmulator } from "@stowage/emulator";
import "../src/index.js";

runBucketLostAnswerSuite(() => startEmulator({ provider: "qingstor", buckets: ["taken-bucket"] }), {
  provider: "qingstor",
  calls: { create: "PutBucket", delete: "DeleteBucket" },
  codes: { exists: "bucket_already_exists", missing: "bucket_not_exists" },
  bucket: (stem) => `${stem}-qs`,
  lostCreate: { retry: "the retry's bucket_already_exists is checked with HeadBucket", requests: { CreateBucket: 2, HeadBucket: 1 } },
  plainRefusals: { taken: "taken-bucket", missing: "never-was-here" },
  unreachable: {
    probe: "HeadBucket",
    codes: { internal: "internal_server_error", denied: "permission_denied" },
    // A HEAD answer has no body.
    errorBody: (code, requestId, method) => ({
      contentType: "application/json",
      ...(method === "HEAD" ? {} : { body: JSON.stringify({ code, message: "m", request_id: requestId }) }),
    }),
    requests: ["PUT /someone-elses", "PUT /someone-elses", "HEAD /someone-elses"],
  },
});
