/**
 * Version of the item schema written by this code (`schemaVersion` on every item); bumped
 * when the item shape changes. Its own module, so the functions that stamp it do not build
 * the item's zod schema at cold start.
 *
 * @example
 * if (item.schemaVersion > SCHEMA_VERSION) throw new Error('upgrade piriod-mirror to read this table');
 */
export const SCHEMA_VERSION = 1;
