/**
 * The schema-v18 SQLite game store: reads finished games from the databases selfplay writes, keeps
 * a per-node index with a forward-only cursor, and writes pulled games into databases the library
 * owns. Entry point: {@link ai.ringrift.distributed.storage.games.GameStore}.
 *
 * <p>A game is <em>finished</em>, and only then read, indexed or imported, when its status is
 * {@code completed} (or the legacy {@code finished}) with at least 5 move rows, or when it ended at
 * the move limit: status {@code active} with {@code total_moves} of at least 5 equal to its number
 * of move rows. Placeholders being written ({@code in_progress}, or {@code active} with {@code
 * total_moves} 0) are never read as games.
 */
@NullMarked
package ai.ringrift.distributed.storage.games;

import org.jspecify.annotations.NullMarked;
