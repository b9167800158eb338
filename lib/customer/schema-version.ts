/**
 * Version of the item schema written by this code (`schemaVersion` on every item); bumped
 * when the item shape changes. Its own module, so the functions that stamp it do not build
 * the item's zod schema at cold start.
 */
export const SCHEMA_VERSION = 1;
