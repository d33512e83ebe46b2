// @stowage/cos exactly as bench/clients/stowage.mjs, opened with `part_content_md5=false`: parts of
// multipart writes carry no Content-MD5 (each part's CRC-64 is still compared with the one COS
// returns before complete; single PUTs keep Content-MD5). Runs the upload cases only.

import { createClient as createStowage } from "./stowage.mjs";

export async function createClient(target) {
  const client = await createStowage({ ...target, connectionString: `${target.connectionString}&part_content_md5=false` });
  return { ...client, name: "stowage-nomd5" };
}
