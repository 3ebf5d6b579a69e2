/**
 * Where data lives on each kind of node (local disk, shared NFS, ephemeral disks), safe file
 * installation, and the schema-v18 SQLite game store that selfplay writes.
 *
 * <p>This module depends on no other ringrift-distributed module.
 */
@NullMarked
package ai.ringrift.distributed.storage;

import org.jspecify.annotations.NullMarked;
