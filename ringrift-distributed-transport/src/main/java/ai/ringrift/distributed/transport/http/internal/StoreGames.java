package ai.ringrift.distributed.transport.http.internal;

import ai.ringrift.distributed.storage.games.ConfigKey;
import ai.ringrift.distributed.storage.games.GameCursor;
import ai.ringrift.distributed.storage.games.GameFilter;
import ai.ringrift.distributed.storage.games.GameRecord;
import ai.ringrift.distributed.storage.games.GameStore;
import ai.ringrift.distributed.storage.games.ImportReport;
import ai.ringrift.distributed.transport.http.GamePage;
import ai.ringrift.distributed.transport.http.GamePayload;
import ai.ringrift.distributed.transport.http.GameSink;
import ai.ringrift.distributed.transport.http.GameSource;
import ai.ringrift.distributed.transport.http.GameSummary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Adapts the storage module's {@link GameStore} to {@link GameSource} and {@link GameSink}. */
public final class StoreGames {
  private static final Logger LOG = LoggerFactory.getLogger(StoreGames.class);

  /** Games read from the store per round trip to its thread. */
  static final int READ_CHUNK = 32;

  private StoreGames() {}

  /**
   * The store as a source: cursors are {@link GameCursor#toString()} texts.
   *
   * @param store the store
   * @return the source
   */
  public static GameSource source(GameStore store) {
    return new GameSource() {
      @Override
      public GamePage idsAfter(
          String cursor, int limit, @Nullable String boardType, int numPlayers) {
        GameCursor c = cursor.isEmpty() ? GameCursor.start() : GameCursor.parse(cursor);
        GameFilter.Builder f = GameFilter.builder();
        if (boardType != null) {
          f.board(boardType);
        }
        if (numPlayers > 0) {
          f.players(numPlayers);
        }
        var page = join(store.idsAfter(c, limit, f.build()));
        List<GameSummary> out = new ArrayList<>(page.games().size());
        for (var g : page.games()) {
          out.add(
              new GameSummary(
                  g.gameId(),
                  g.config().board(),
                  g.config().players(),
                  (int) g.totalMoves(),
                  g.quality()));
        }
        return new GamePage(out, page.next().toString(), page.hasMore());
      }

      @Override
      public void readGames(List<String> gameIds, GameConsumer out) throws IOException {
        // Read a few games at a time on the store's thread, then send them from ours: the store's
        // single thread never waits for a slow client (which would stall every other store
        // operation), and memory holds at most one chunk.
        for (int i = 0; i < gameIds.size(); i += READ_CHUNK) {
          List<String> chunk = gameIds.subList(i, Math.min(gameIds.size(), i + READ_CHUNK));
          List<GamePayload> batch = new ArrayList<>(chunk.size());
          join(store.readGames(chunk, g -> batch.add(GameCodec.encode(g))));
          for (GamePayload p : batch) {
            out.accept(p);
          }
        }
      }

      @Override
      public Map<String, Long> countsByConfig() {
        Map<String, Long> out = new TreeMap<>();
        for (Map.Entry<ConfigKey, Long> e : join(store.countsByConfig()).entrySet()) {
          out.put(e.getKey().toString(), e.getValue());
        }
        return out;
      }

      @Override
      public String toString() {
        return "GameSource{" + store.gamesDirectory() + "}";
      }
    };
  }

  /**
   * The store as a sink. {@link GameSink#missing} asks the store which ids it does not hold as
   * finished games ({@link GameStore#readGames} reports them; the games it does hold are read
   * locally and dropped, which costs a local read instead of a transfer). {@link
   * GameStore#importGames} skips ids it has, so a race costs bytes, never a duplicate row.
   *
   * @param store the store
   * @return the sink
   */
  public static GameSink sink(GameStore store) {
    return new GameSink() {
      @Override
      public Set<String> missing(Collection<String> gameIds) {
        return new LinkedHashSet<>(join(store.readGames(gameIds, g -> {})).missing());
      }

      @Override
      public int importGames(List<GamePayload> games, String sourceHost) {
        List<GameRecord> records = new ArrayList<>(games.size());
        for (GamePayload p : games) {
          try {
            records.add(GameCodec.decode(p));
          } catch (IOException e) {
            throw new UncheckedIOException(
                "game " + p.gameId() + " from " + sourceHost + " is malformed", e);
          }
        }
        ImportReport r = join(store.importGames(records));
        if (!r.rejected().isEmpty()) {
          LOG.warn(
              "{} games from {} were rejected, e.g. {}",
              r.rejected().size(),
              sourceHost,
              r.rejected().get(0));
        }
        return (int) r.imported();
      }

      @Override
      public String toString() {
        return "GameSink{" + store.syncedDirectory() + "}";
      }
    };
  }

  private static <T> T join(CompletableFuture<T> f) {
    try {
      return f.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }
}
