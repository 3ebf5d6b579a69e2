/**
 * Implementation of the storage module: built-in providers, mount-table parsing, SQLite helpers,
 * the game index and the game database reader and writer. Not API: these types may change in any
 * release, and other modules must not use them (the architecture test checks this).
 */
@NullMarked
package ai.ringrift.distributed.storage.internal;

import org.jspecify.annotations.NullMarked;
