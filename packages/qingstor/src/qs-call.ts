import type { CallBody, DriverCall } from "@stowage/core";

/** One QingStor API call before addressing and signing (core's {@link DriverCall}). */
export type QsCall = DriverCall;

/** A request body and its Content-MD5 (base64); core's. */
export type { CallBody };
