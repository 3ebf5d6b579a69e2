package ai.ringrift.distributed.bench;

import ai.ringrift.distributed.storage.games.GameCursor;
import ai.ringrift.distributed.storage.games.GameDbGenerator;
import ai.ringrift.distributed.storage.games.GameFilter;
import ai.ringrift.distributed.storage.games.GamePage;
import ai.ringrift.distributed.storage.games.GameStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code games-index}: the time to find the games a selfplay batch added (1,000 new games) in a
 * game database of 20,000 and of 200,000 games. The index scans only rows after its high-water
 * mark, so the two times should be about equal (target: the large one at most 1.5 times the small
 * one). For scale, the same search done by listing every id and diffing against the known set is
 * measured on the large database.
 */
public final class StorageGamesIndexBenchmark implements Benchmark {
  private static final int ROUNDS = 7;
  private static final int WARMUP = 2;

  @Override
  public String name() {
    return "games-index";
  }

  @Override
  public String description() {
    return "find 1,000 new games in a 20k vs a 200k-game DB (flat is the goal) and vs a full id scan";
  }

  @Override
  public BenchReport run(BenchContext context) throws Exception {
    int small = context.quick() ? 2_000 : 20_000;
    int large = context.quick() ? 20_000 : 200_000;
    int batch = context.quick() ? 200 : 1_000;
    Path largeDir = context.scratchDir().resolve("large");
    List<Double> tSmall = new ArrayList<>();
    List<Double> tLarge = new ArrayList<>();
    try (Subject s = new Subject(context.scratchDir().resolve("small"), small);
        Subject l = new Subject(largeDir, large)) {
      // Interleaved rounds: both sizes see the same machine load.
      for (int round = 0; round < ROUNDS + WARMUP; round++) {
        double a = s.round(batch);
        double b = l.round(batch);
        if (round >= WARMUP) { // the first rounds warm the JIT
          tSmall.add(a);
          tLarge.add(b);
        }
      }
    }
    double ms = median(tSmall);
    double ml = median(tLarge);
    double tScan =
        fullScan(largeDir.resolve("hex8_2p.db"), large + (ROUNDS + WARMUP) * batch, batch);
    BenchReport r = new BenchReport(name());
    r.add(
        new BenchReport.Row(
            String.format(
                "find %,d new games: %,dk-game DB vs %,dk", batch, large / 1000, small / 1000),
            "ms",
            ml,
            "same, " + small / 1000 + "k-game DB",
            ms,
            false,
            1 / 1.5));
    r.add(
        new BenchReport.Row(
            String.format("find %,d new games in a %,dk-game DB", batch, large / 1000),
            "ms",
            ml,
            "full id scan + diff",
            tScan,
            false,
            null));
    r.note("rounds (median taken, interleaved)", ROUNDS);
    r.note("times small DB (ms)", tSmall.toString());
    r.note("times large DB (ms)", tLarge.toString());
    r.note("games per DB", small + " and " + large + " (5 moves each)");
    r.note("what is timed", "GameStore.idsAfter(cursor): index refresh + page of the new games");
    return r;
  }

  private static double median(List<Double> times) {
    List<Double> t = new ArrayList<>(times);
    Collections.sort(t);
    return t.get(t.size() / 2);
  }

  /** A game DB of a given size with its store, indexed once. */
  private static final class Subject implements AutoCloseable {
    private final GameDbGenerator g;
    private final GameStore store;
    private GameCursor cursor;

    Subject(Path dir, int size) throws Exception {
      Files.createDirectories(dir);
      g = GameDbGenerator.create(dir.resolve("hex8_2p.db"));
      g.bulk(size, "hex8", 2);
      store = GameStore.open(dir);
      cursor = drain(store, GameCursor.start(), size);
    }

    /** Adds {@code batch} games and times finding them, in ms. */
    double round(int batch) throws Exception {
      g.bulk(batch, "hex8", 2);
      long t0 = System.nanoTime();
      GamePage page = store.idsAfter(cursor, batch * 2, GameFilter.all()).get(10, TimeUnit.MINUTES);
      long t1 = System.nanoTime();
      if (page.games().size() != batch) {
        throw new IllegalStateException(
            "found " + page.games().size() + " new games, expected " + batch);
      }
      cursor = page.next();
      return (t1 - t0) / 1e6;
    }

    @Override
    public void close() {
      store.close();
      g.close();
    }
  }

  private static GameCursor drain(GameStore store, GameCursor from, int expected) throws Exception {
    GameCursor c = from;
    int seen = 0;
    while (true) {
      GamePage p = store.idsAfter(c, 50_000, GameFilter.all()).get(10, TimeUnit.MINUTES);
      seen += p.games().size();
      c = p.next();
      if (!p.hasMore()) {
        break;
      }
    }
    if (seen != expected) {
      throw new IllegalStateException("indexed " + seen + " games, expected " + expected);
    }
    return c;
  }

  /** Finding new games without an index: list every id, keep those not yet known. */
  private static double fullScan(Path db, int total, int batch) throws Exception {
    Set<String> known = new HashSet<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT game_id FROM games ORDER BY rowid")) {
      int i = 0;
      while (rs.next()) {
        if (i++ < total - batch) {
          known.add(rs.getString(1));
        }
      }
    }
    List<Double> times = new ArrayList<>();
    for (int round = 0; round < ROUNDS + WARMUP; round++) {
      long t0 = System.nanoTime();
      int found = 0;
      try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
          Statement st = c.createStatement();
          ResultSet rs = st.executeQuery("SELECT game_id FROM games")) {
        while (rs.next()) {
          if (!known.contains(rs.getString(1))) {
            found++;
          }
        }
      }
      long t1 = System.nanoTime();
      if (found != batch) {
        throw new IllegalStateException("full scan found " + found + ", expected " + batch);
      }
      if (round >= WARMUP) {
        times.add((t1 - t0) / 1e6);
      }
    }
    Collections.sort(times);
    return times.get(times.size() / 2);
  }
}
