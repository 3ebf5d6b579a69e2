package ai.ringrift.distributed.storage.games;

import static org.assertj.core.api.Assertions.assertThat;

import ai.ringrift.distributed.testkit.FakeClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("the game cursor sees every finished game exactly once")
class GameCursorTest {
  @TempDir Path tmp;
  Path games;

  @BeforeEach
  void setUp() throws Exception {
    games = tmp.resolve("data/games");
    Files.createDirectories(games);
  }

  /** Pages through everything after {@code from}, 7 at a time; returns the ids and the cursor. */
  private static Drained drain(GameStore store, GameCursor from) throws Exception {
    List<String> ids = new ArrayList<>();
    GameCursor c = from;
    for (int i = 0; i < 10_000; i++) {
      GamePage p = store.idsAfter(c, 7, GameFilter.all()).get(30, TimeUnit.SECONDS);
      p.games().forEach(g -> ids.add(g.gameId()));
      assertThat(p.next().sequence()).isGreaterThanOrEqualTo(c.sequence());
      c = p.next();
      if (!p.hasMore()) {
        return new Drained(ids, c);
      }
    }
    throw new AssertionError("cursor never reached the end");
  }

  private record Drained(List<String> ids, GameCursor cursor) {}

  @Test
  @DisplayName("appends after the cursor are returned once, in pages, placeholders excluded")
  void shouldReturnAppendedGamesOnce() throws Exception {
    try (GameDbGenerator g = GameDbGenerator.create(games.resolve("hex8_2p.db"));
        GameStore store = GameStore.open(games)) {
      List<String> first = g.bulk(50, "hex8", 2);
      String pending = g.placeholder("hex8", 2, 2);
      Drained d1 = drain(store, GameCursor.start());
      assertThat(d1.ids()).containsExactlyElementsOf(first);

      List<String> second = g.bulk(30, "hex8", 2);
      Drained d2 = drain(store, d1.cursor());
      assertThat(d2.ids()).containsExactlyElementsOf(second);
      assertThat(drain(store, d2.cursor()).ids()).isEmpty();

      g.finish(pending, 6);
      assertThat(drain(store, d2.cursor()).ids()).containsExactly(pending);
      assertThat(drain(store, GameCursor.start()).ids()).doesNotHaveDuplicates().hasSize(81);
    }
  }

  @Test
  @DisplayName("VACUUM renumbering rowids neither hides nor repeats games")
  void shouldSurviveVacuum() throws Exception {
    try (GameDbGenerator g = GameDbGenerator.create(games.resolve("hex8_2p.db"));
        GameStore store = GameStore.open(games)) {
      List<String> ids = g.bulk(100, "hex8", 2);
      Drained d1 = drain(store, GameCursor.start());
      assertThat(d1.ids()).hasSize(100);
      long before = rowidOf(g, ids.get(99));
      for (int i = 10; i < 50; i++) {
        g.delete(ids.get(i));
      }
      g.vacuum();
      g.renumberRowids();
      assertThat(rowidOf(g, ids.get(99))).as("VACUUM renumbered the rowids").isLessThan(before);

      List<String> added = g.bulk(10, "hex8", 2);
      IndexStats stats = store.refresh().get(30, TimeUnit.SECONDS);
      assertThat(stats.fullRescans()).isEqualTo(1);
      Drained d2 = drain(store, d1.cursor());
      assertThat(d2.ids()).containsExactlyElementsOf(added);

      List<String> more = g.bulk(5, "hex8", 2);
      assertThat(store.refresh().get(30, TimeUnit.SECONDS).fullRescans()).isZero();
      assertThat(drain(store, d2.cursor()).ids()).containsExactlyElementsOf(more);
    }
  }

  @Test
  @DisplayName("a deleted placeholder whose rowid is reused does not hide the new game")
  void shouldFindGameReusingRowidOfDeletedPlaceholder() throws Exception {
    try (GameDbGenerator g = GameDbGenerator.create(games.resolve("hex8_2p.db"));
        GameStore store = GameStore.open(games)) {
      g.bulk(20, "hex8", 2);
      String placeholder = g.placeholder("hex8", 2, 1);
      Drained d1 = drain(store, GameCursor.start());
      long reused = rowidOf(g, placeholder);
      g.delete(placeholder);
      List<String> next = g.bulk(1, "hex8", 2);
      assertThat(rowidOf(g, next.get(0))).isEqualTo(reused);
      assertThat(drain(store, d1.cursor()).ids()).containsExactlyElementsOf(next);
    }
  }

  @Test
  @DisplayName("a new DB file, a game held twice and a re-opened store each give every game once")
  void shouldHandleNewFileAndReopen() throws Exception {
    GameCursor saved;
    List<String> all = new ArrayList<>();
    try (GameDbGenerator g = GameDbGenerator.create(games.resolve("hex8_2p.db"))) {
      all.addAll(g.bulk(12, "hex8", 2));
    }
    try (GameStore store = GameStore.open(games)) {
      Drained d = drain(store, GameCursor.start());
      assertThat(d.ids()).containsExactlyElementsOf(all);
      List<String> added;
      Files.createDirectories(games.resolve("run2"));
      try (GameDbGenerator g2 =
          GameDbGenerator.create(
              games.resolve("run2/square8_4p.db"), GameDbGenerator.Layout.V18, 9)) {
        added = g2.bulk(8, "square8", 4);
      }
      // The same games copied into a third file must not come back.
      Files.copy(games.resolve("run2/square8_4p.db"), games.resolve("copy_square8_4p.db"));
      Drained d2 = drain(store, d.cursor());
      assertThat(d2.ids()).containsExactlyInAnyOrderElementsOf(added);
      all.addAll(added);
      saved = GameCursor.parse(d2.cursor().toString());
    }
    List<String> later;
    try (GameDbGenerator g =
        GameDbGenerator.create(games.resolve("hex8_2p.db"), GameDbGenerator.Layout.V18, 11)) {
      later = g.bulk(4, "hex8", 2);
    }
    try (GameStore reopened = GameStore.open(games)) {
      assertThat(drain(reopened, saved).ids()).containsExactlyElementsOf(later);
      all.addAll(later);
      assertThat(drain(reopened, GameCursor.start()).ids())
          .containsExactlyInAnyOrderElementsOf(all);
    }
  }

  @Test
  @DisplayName("timestamps from clocks that disagree do not affect what comes after the cursor")
  void shouldIgnoreClocks() throws Exception {
    FakeClock clock = FakeClock.create();
    try (GameDbGenerator g = GameDbGenerator.create(games.resolve("hex8_2p.db"));
        GameStore store = GameStore.builder(games).clock(clock).build()) {
      g.bulk(5, "hex8", 2);
      Drained d1 = drain(store, GameCursor.start());
      String old = g.completed("hex8", 2, 6);
      String future = g.completed("hex8", 2, 6);
      try (Statement st = g.connection().createStatement()) {
        st.executeUpdate(
            "UPDATE games SET created_at = '1999-01-01T00:00:00' WHERE game_id = '" + old + "'");
        st.executeUpdate(
            "UPDATE games SET created_at = '2099-01-01T00:00:00+09:00' WHERE game_id = '"
                + future
                + "'");
      }
      g.connection().commit();
      assertThat(drain(store, d1.cursor()).ids()).containsExactly(old, future);
    }
  }

  @Test
  @DisplayName("a placeholder unfinished past the pending window is no longer re-checked")
  void shouldExpirePlaceholders() throws Exception {
    FakeClock clock = FakeClock.create();
    try (GameDbGenerator g = GameDbGenerator.create(games.resolve("hex8_2p.db"));
        GameStore store =
            GameStore.builder(games).clock(clock).pendingWindow(Duration.ofHours(1)).build()) {
      g.orphan("hex8", 2);
      String p = g.placeholder("hex8", 2, 1);
      assertThat(store.refresh().get(30, TimeUnit.SECONDS).pending()).isEqualTo(2);
      clock.advance(Duration.ofMinutes(30));
      g.finish(p, 5);
      assertThat(store.refresh().get(30, TimeUnit.SECONDS).pending()).isEqualTo(1);
      clock.advance(Duration.ofHours(2));
      assertThat(store.refresh().get(30, TimeUnit.SECONDS).pending()).isZero();
    }
  }

  @Test
  @DisplayName("a cursor from another index epoch restarts from the beginning")
  void shouldRestartOnForeignCursor() throws Exception {
    try (GameDbGenerator g = GameDbGenerator.create(games.resolve("hex8_2p.db"));
        GameStore store = GameStore.open(games)) {
      List<String> ids = g.bulk(3, "hex8", 2);
      assertThat(drain(store, GameCursor.of("someotherindex", 2)).ids())
          .containsExactlyElementsOf(ids);
    }
  }

  @Test
  @DisplayName("filters by board, players and minimum quality")
  void shouldFilter() throws Exception {
    try (GameDbGenerator a = GameDbGenerator.create(games.resolve("hex8_2p.db"));
        GameDbGenerator b =
            GameDbGenerator.create(games.resolve("square8_3p.db"), GameDbGenerator.Layout.V18, 3);
        GameStore store = GameStore.open(games)) {
      a.bulk(10, "hex8", 2);
      b.bulk(10, "square8", 3);
      GamePage hex =
          store
              .idsAfter(GameCursor.start(), 100, GameFilter.builder().board("hex8").build())
              .get(30, TimeUnit.SECONDS);
      assertThat(hex.games())
          .hasSize(10)
          .allMatch(s -> s.config().equals(ConfigKey.parse("hex8_2p")));
      GamePage three =
          store
              .idsAfter(
                  GameCursor.start(), 100, GameFilter.builder().players(3).minQuality(0.05).build())
              .get(30, TimeUnit.SECONDS);
      assertThat(three.games())
          .hasSize(5)
          .allMatch(s -> s.quality() != null && s.quality() >= 0.05);
    }
  }

  @Test
  @DisplayName("a DB of another schema version is refused, naming the file and the version")
  void shouldRefuseOtherVersions() throws Exception {
    Path old = games.resolve("old.db");
    try (GameDbGenerator g = GameDbGenerator.create(old)) {
      g.bulk(2, "hex8", 2);
      try (Statement st = g.connection().createStatement()) {
        st.executeUpdate("UPDATE schema_metadata SET value = '17' WHERE key = 'schema_version'");
      }
      g.connection().commit();
    }
    try (GameStore store = GameStore.open(games)) {
      IndexStats s = store.refresh().get(30, TimeUnit.SECONDS);
      assertThat(s.newGames()).isZero();
      assertThat(s.refused()).containsKey(old.toAbsolutePath());
      assertThat(s.refused().get(old.toAbsolutePath()))
          .contains(old.toString())
          .contains("schema version 17");
    }
  }

  private static long rowidOf(GameDbGenerator g, String id) throws Exception {
    try (PreparedStatement ps =
        g.connection().prepareStatement("SELECT rowid FROM games WHERE game_id = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).isTrue();
        return rs.getLong(1);
      }
    }
  }
}
