package ai.ringrift.distributed.bench;

import ai.ringrift.distributed.storage.games.GameCursor;
import ai.ringrift.distributed.storage.games.GameDbGenerator;
import ai.ringrift.distributed.storage.games.GameFilter;
import ai.ringrift.distributed.storage.games.GamePage;
import ai.ringrift.distributed.storage.games.GameRecord;
import ai.ringrift.distributed.storage.games.GameStore;
import ai.ringrift.distributed.storage.games.GameSummary;
import ai.ringrift.distributed.storage.games.ImportReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code games-import}: games merged per second from one schema-v18 database into another. Ours:
 * the game store reads the finished games with all their rows and imports them (dedup by id,
 * content fingerprints, trigger order, one transaction per 1,000 games). Baseline: the Python way,
 * the {@code sqlite3} CLI attaching the source and running {@code INSERT OR IGNORE ... SELECT *}
 * for every table in one transaction (with the insert trigger dropped, as the Python consolidation
 * does), measured as a process from start to exit.
 */
public final class StorageGamesImportBenchmark implements Benchmark {
  private static final List<String> TABLES =
      List.of(
          "games",
          "game_players",
          "game_initial_state",
          "game_moves",
          "game_state_snapshots",
          "game_choices",
          "game_history_entries",
          "game_nnue_features");

  @Override
  public String name() {
    return "games-import";
  }

  @Override
  public String description() {
    return "games/s merged into a library DB: GameStore vs sqlite3 CLI ATTACH + INSERT OR IGNORE";
  }

  @Override
  public BenchReport run(BenchContext context) throws Exception {
    int small = context.quick() ? 2_000 : 20_000;
    int rich = context.quick() ? 50 : 500;
    Path src = Files.createDirectories(context.scratchDir().resolve("src"));
    Path srcDb = src.resolve("hex8_2p.db");
    try (GameDbGenerator g = GameDbGenerator.create(srcDb)) {
      g.bulk(small, "hex8", 2);
      for (int i = 0; i < rich; i++) {
        g.completed("hex8", 2, 20 + i % 25);
      }
    }
    int total = small + rich;
    try (GameStore warm = GameStore.open(src)) {
      warm.refresh().get(10, TimeUnit.MINUTES); // index once, as a serving node has
    }

    // Ours: read every finished game with all its rows, then import them.
    double ours;
    double listSeconds;
    double readSeconds;
    long t0 = System.nanoTime();
    try (GameStore source = GameStore.open(src);
        GameStore target = GameStore.open(context.scratchDir().resolve("ours"))) {
      GamePage page =
          source.idsAfter(GameCursor.start(), 100_000, GameFilter.all()).get(10, TimeUnit.MINUTES);
      List<String> ids = page.games().stream().map(GameSummary::gameId).toList();
      listSeconds = (System.nanoTime() - t0) / 1e9;
      List<GameRecord> games = new ArrayList<>(ids.size());
      source.readGames(ids, games::add).get(10, TimeUnit.MINUTES);
      readSeconds = (System.nanoTime() - t0) / 1e9 - listSeconds;
      ImportReport report = target.importGames(games).get(10, TimeUnit.MINUTES);
      if (report.imported() != total) {
        throw new IllegalStateException("imported " + report.imported() + " of " + total);
      }
    }
    ours = total / ((System.nanoTime() - t0) / 1e9);

    // Baseline: the sqlite3 CLI.
    Path base =
        Files.createDirectories(context.scratchDir().resolve("baseline")).resolve("merged.db");
    StringBuilder schema = new StringBuilder("PRAGMA journal_mode=WAL;\n");
    for (String s : GameDbGenerator.schemaStatements()) {
      schema.append(s).append(";\n");
    }
    run(base, schema.toString());
    String insertTrigger =
        GameDbGenerator.schemaStatements().stream()
            .filter(s -> s.contains("TRIGGER IF NOT EXISTS enforce_moves_on_insert"))
            .findFirst()
            .orElseThrow();
    StringBuilder merge = new StringBuilder("PRAGMA busy_timeout=30000;\n");
    merge.append("ATTACH '").append(srcDb).append("' AS src;\nBEGIN;\n");
    merge.append("DROP TRIGGER IF EXISTS enforce_moves_on_insert;\n");
    for (String t : TABLES) {
      merge
          .append("INSERT OR IGNORE INTO main.")
          .append(t)
          .append(" SELECT * FROM src.")
          .append(t)
          .append(";\n");
    }
    merge.append(insertTrigger).append(";\nCOMMIT;\n");
    long b0 = System.nanoTime();
    run(base, merge.toString());
    double baseline = total / ((System.nanoTime() - b0) / 1e9);
    if (count(base) != total) {
      throw new IllegalStateException("sqlite3 merged " + count(base) + " of " + total);
    }

    BenchReport r = new BenchReport(name());
    r.add(
        new BenchReport.Row(
            String.format("games merged/s (%,d games, all tables)", total),
            "games/s",
            ours,
            "sqlite3 ATTACH+INSERT",
            baseline,
            true,
            // Issue 5 sets no target for this row: it compares a filtered, deduplicated,
            // trigger-ordered import with a blind page-level copy. 0.3x is our goal (not met yet).
            null));
    r.note(
        "ours: seconds listing / reading / importing / total",
        String.format(
            "%.2f / %.2f / %.2f / %.2f",
            listSeconds, readSeconds, total / ours - listSeconds - readSeconds, total / ours));
    r.note(
        "games",
        small + " small (5 moves) + " + rich + " rich (20-44 moves, snapshots, history, NNUE)");
    r.note(
        "ours does more",
        "finished-only filter, dedup against the node's index, SHA-256 content fingerprints, trigger order,"
            + " batched statements (savepoints only to isolate a bad game), synchronous=FULL commits;"
            + " the baseline copies rows blindly (placeholders and orphans too)");
    return r;
  }

  private static void run(Path db, String script) throws Exception {
    Path sql = Files.createTempFile(db.getParent(), "script", ".sql");
    Files.writeString(sql, script, StandardCharsets.UTF_8);
    Process p =
        new ProcessBuilder("sqlite3", "-bail", db.toString())
            .redirectInput(sql.toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IllegalStateException("sqlite3 failed: " + out);
    }
  }

  private static long count(Path db) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM games")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
