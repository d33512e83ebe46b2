/**
 * QingStor's highest part number. Its parts are numbered 0..10000 (`protocols.md` §3.3, §3.7), so one
 * upload may hold 10,001 parts: listings, a Complete's refusal and the CRC ETag (etag.ts) take
 * what QingStor can hold, including uploads other tools made.
 */
export const LAST_PART_NUMBER = 10_000;

/** The most parts a QingStor upload can hold: part numbers 0..{@link LAST_PART_NUMBER}. */
export const UPLOAD_PARTS_MAXIMUM = LAST_PART_NUMBER + 1;

/**
 * The most parts Stowage writes to one upload (`multipartNumberMaximum`): 10,000, indexes 0..9999,
 * one fewer than QingStor takes: the count go-storage's QingStor driver declares (its index check
 * letting 10000 through, one more than that count, is the off-by-one docs/services/qingstor.md
 * lists), and the 10,000 parts of every other Stowage driver. 10,000 parts of 5 GiB cover
 * QingStor's largest object, so a write plan never needs part number 10000.
 */
export const WRITTEN_PARTS_MAXIMUM = 10_000;
