package ai.ringrift.distributed.bench;

import ai.ringrift.distributed.storage.games.GameRecord;
import ai.ringrift.distributed.storage.games.GameStore;
import ai.ringrift.distributed.transport.http.DownloadResult;
import ai.ringrift.distributed.transport.http.GamePage;
import ai.ringrift.distributed.transport.http.GamePullResult;
import ai.ringrift.distributed.transport.http.GameSink;
import ai.ringrift.distributed.transport.http.GameSource;
import ai.ringrift.distributed.transport.http.P2PServer;
import ai.ringrift.distributed.transport.http.P2PSyncClient;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * {@code games-sync}: a peer holds 100,000 games ({@code --quick}: 10,000); 1,000 ({@code --quick}:
 * 100) new games appear; a node that already holds the old ones pulls. Ours: the P2P game listing
 * after its cursor plus the framed, compressed stream of the new games into its {@link GameStore}.
 * Baseline: copying the peer's whole database file (what the Python cluster does, over the same
 * service's {@code /sync/file}). Bytes moved and time.
 */
public final class TransportGamesSyncBenchmark implements Benchmark {
  private static final String TOKEN = "bench-token";

  @Override
  public String name() {
    return "games-sync";
  }

  @Override
  public String description() {
    return "1,000 new games into a peer holding 100,000: P2P game sync vs copying the DB file";
  }

  @Override
  public BenchReport run(BenchContext ctx) throws Exception {
    int old = ctx.quick() ? 10_000 : 100_000;
    int fresh = ctx.quick() ? 100 : 1_000;
    Path srcGames = Files.createDirectories(ctx.scratchDir().resolve("src/data/games"));
    Path dstGames = Files.createDirectories(ctx.scratchDir().resolve("dst/data/games"));
    BenchReport report = new BenchReport(name());
    SplittableRandom rnd = new SplittableRandom(7);
    try (GameStore src = GameStore.builder(srcGames).build();
        GameStore dst = GameStore.builder(dstGames).build();
        P2PServer server =
            P2PServer.builder()
                .env(Map.of())
                .port(0)
                .authToken(TOKEN)
                .dataDir(srcGames.getParent())
                .gameSource(GameSource.of(src))
                .build();
        P2PSyncClient client =
            P2PSyncClient.builder()
                .env(Map.of())
                .authToken(TOKEN)
                .deadline(Duration.ofMinutes(20))
                .build()) {
      long t0 = System.nanoTime();
      src.importGames(games(old, rnd)).join();
      report.note("setup_import_old_games_s", secs(System.nanoTime() - t0));
      server.start().join();
      P2PSyncClient peer = client.withPeer("127.0.0.1", server.port());

      // The puller already holds the old games (as a copy of the peer's database) and its cursor
      // for the peer points after them.
      Path db = onlyDb(src.syncedDirectory());
      Files.copy(db, dstGames.resolve("copy_of_peer.db"));
      dst.refresh().join();
      String cursor = "";
      while (true) {
        GamePage p = peer.listGames(cursor, 10_000, null, 0).join();
        cursor = p.nextCursor();
        if (!p.hasMore()) {
          break;
        }
      }

      List<GameRecord> newGames = new ArrayList<>();
      games(fresh, rnd).forEach(newGames::add);
      src.importGames(newGames).join();
      List<String> newIds = newGames.stream().map(GameRecord::gameId).toList();
      long requestBytes = new ObjectMapper().writeValueAsBytes(Map.of("game_ids", newIds)).length;

      long s0 = System.nanoTime();
      GamePullResult r = peer.pullGamesSince(cursor, GameSink.of(dst)).join();
      double oursSecs = secs(System.nanoTime() - s0);
      if (r.imported() != fresh) {
        throw new IllegalStateException("imported " + r.imported() + " of " + fresh + " new games");
      }
      long oursBytes = r.bytesReceived() + requestBytes;

      long c0 = System.nanoTime();
      String rel = srcGames.getParent().relativize(db).toString();
      DownloadResult copy =
          peer.downloadSyncFile(rel, ctx.scratchDir().resolve("whole-copy.db")).join();
      double copySecs = secs(System.nanoTime() - c0);
      long copyBytes = copy.bytesTransferred();

      String what = String.format(Locale.ROOT, "%,d new games into %,d", fresh, old);
      report.add(
          new BenchReport.Row(
              what + ": bytes moved",
              "bytes",
              oursBytes,
              "copy the DB file",
              copyBytes,
              false,
              50.0));
      report.add(
          new BenchReport.Row(
              what + ": time", "s", oursSecs, "copy the DB file", copySecs, false, null));
      report.note("ours_bytes", "id listing + gzip game frames received + the id list sent");
      report.note("listed", r.listed());
      report.note("db_file_bytes", Files.size(db));
      report.note(
          "ours_time_includes",
          "listing, streaming and importing the games into the puller's SQLite store (one transaction per 200)");
      report.note(
          "baseline_time_includes",
          "HTTP download of the DB file with SHA-256 verify and fsync, no import");
    }
    return report;
  }

  private static Path onlyDb(Path dir) throws Exception {
    try (var s = Files.list(dir)) {
      List<Path> dbs = s.filter(p -> p.toString().endsWith(".db")).toList();
      if (dbs.size() != 1) {
        throw new IllegalStateException("expected one database in " + dir + ", found " + dbs);
      }
      return dbs.get(0);
    }
  }

  /** Lazy v18-shaped games: hex8 2p, 5..40 moves each, with players and an initial state. */
  private static Iterable<GameRecord> games(int n, SplittableRandom rnd) {
    return () ->
        new Iterator<>() {
          int i;

          @Override
          public boolean hasNext() {
            return i < n;
          }

          @Override
          public GameRecord next() {
            i++;
            String id = new UUID(rnd.nextLong(), rnd.nextLong()).toString();
            int moves = 5 + rnd.nextInt(36);
            Map<String, Object> g = new LinkedHashMap<>();
            g.put("game_id", id);
            g.put("board_type", "hex8");
            g.put("num_players", 2L);
            g.put("rng_seed", rnd.nextLong());
            g.put("created_at", "2026-01-10T12:00:00.123456");
            g.put("completed_at", "2026-01-10T12:03:00.654321");
            g.put("game_status", "completed");
            g.put("winner", 1L + rnd.nextInt(2));
            g.put("termination_reason", "ring_elimination");
            g.put("total_moves", (long) moves);
            g.put("total_turns", (long) moves);
            g.put("duration_ms", 180_000L);
            g.put("source", "selfplay");
            g.put("schema_version", 18L);
            g.put("quality_score", rnd.nextDouble());
            List<Map<String, Object>> players = new ArrayList<>();
            for (long p = 1; p <= 2; p++) {
              players.add(
                  Map.of(
                      "game_id",
                      id,
                      "player_number",
                      p,
                      "player_type",
                      "ai",
                      "ai_type",
                      "heuristic"));
            }
            List<Map<String, Object>> mv = new ArrayList<>();
            for (int m = 0; m < moves; m++) {
              Map<String, Object> row = new LinkedHashMap<>();
              row.put("game_id", id);
              row.put("move_number", (long) m);
              row.put("turn_number", (long) m);
              row.put("player", 1L + m % 2);
              row.put("phase", "movement");
              row.put("move_type", "move_stack");
              row.put(
                  "move_json",
                  "{\"type\":\"move_stack\",\"player\":"
                      + (1 + m % 2)
                      + ",\"from\":{\"x\":"
                      + rnd.nextInt(9)
                      + ",\"y\":"
                      + rnd.nextInt(9)
                      + "},\"to\":{\"x\":"
                      + rnd.nextInt(9)
                      + ",\"y\":"
                      + rnd.nextInt(9)
                      + "},\"thinkTimeMs\":"
                      + rnd.nextInt(500)
                      + "}");
              row.put("engine_eval", rnd.nextDouble() * 2 - 1);
              mv.add(row);
            }
            Map<String, List<Map<String, Object>>> children = new LinkedHashMap<>();
            children.put("game_players", players);
            children.put(
                "game_initial_state",
                List.of(
                    Map.of(
                        "game_id",
                        id,
                        "initial_state_json",
                        "{\"boardType\":\"hex8\",\"players\":2}",
                        "compressed",
                        0L)));
            children.put("game_moves", mv);
            return GameRecord.of(g, children);
          }
        };
  }

  private static double secs(long nanos) {
    return nanos / 1e9;
  }
}
