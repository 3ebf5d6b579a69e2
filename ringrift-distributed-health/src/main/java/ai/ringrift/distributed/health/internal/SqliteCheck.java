package ai.ringrift.distributed.health.internal;

import ai.ringrift.distributed.health.ComponentHealth;
import ai.ringrift.distributed.health.HealthStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.sqlite.ProgressHandler;
import org.sqlite.SQLiteConfig;

/**
 * {@code PRAGMA quick_check} on read-only connections, each capped in time by a progress handler
 * that aborts the statement once the cap has passed (or the check is cancelled). Never writes.
 */
public final class SqliteCheck {
  /** SQLite VM steps between two progress-handler calls. */
  private static final int PROGRESS_STEPS = 10_000;

  private SqliteCheck() {}

  /** The verdict on one database. */
  private record Verdict(HealthStatus status, String message) {}

  /**
   * Verifies each database.
   *
   * @param databases the files
   * @param cap time cap per database
   * @param cancelled polled while the check runs; {@code true} aborts it
   * @return the worst database's status, with every database in the metrics
   */
  public static ComponentHealth check(
      List<Path> databases, Duration cap, BooleanSupplier cancelled) {
    if (databases.isEmpty()) {
      return ComponentHealth.healthy("no databases configured");
    }
    HealthStatus worst = HealthStatus.HEALTHY;
    List<String> parts = new ArrayList<>();
    Map<String, Object> metrics = new LinkedHashMap<>();
    for (Path db : databases) {
      Verdict v = checkOne(db, cap, cancelled);
      worst = SystemChecks.worse(worst, v.status());
      parts.add(db.getFileName() + ": " + v.message());
      metrics.put(db.toString(), Map.of("status", v.status().label(), "result", v.message()));
    }
    return ComponentHealth.of(worst, String.join("; ", parts), metrics);
  }

  private static Verdict checkOne(Path db, Duration cap, BooleanSupplier cancelled) {
    if (!Files.isRegularFile(db)) {
      return new Verdict(HealthStatus.UNHEALTHY, "missing (" + db + ")");
    }
    SQLiteConfig cfg = new SQLiteConfig();
    cfg.setReadOnly(true);
    cfg.setBusyTimeout((int) Math.min(Integer.MAX_VALUE, cap.toMillis()));
    long deadline = System.nanoTime() + cap.toNanos();
    boolean[] timedOut = {false};
    try (Connection conn = cfg.createConnection("jdbc:sqlite:" + db.toAbsolutePath())) {
      ProgressHandler.setHandler(
          conn,
          PROGRESS_STEPS,
          new ProgressHandler() {
            @Override
            protected int progress() {
              if (System.nanoTime() - deadline > 0) {
                timedOut[0] = true;
                return 1;
              }
              return cancelled.getAsBoolean() ? 1 : 0;
            }
          });
      List<String> rows = new ArrayList<>();
      try (Statement st = conn.createStatement();
          ResultSet rs = st.executeQuery("PRAGMA quick_check")) {
        while (rs.next()) {
          rows.add(rs.getString(1));
        }
      }
      if (rows.size() == 1 && "ok".equalsIgnoreCase(rows.get(0))) {
        return new Verdict(HealthStatus.HEALTHY, "quick_check ok");
      }
      List<String> shown = rows.subList(0, Math.min(3, rows.size()));
      return new Verdict(
          HealthStatus.UNHEALTHY,
          "quick_check found " + rows.size() + " problem(s): " + String.join(" | ", shown));
    } catch (SQLException e) {
      if (timedOut[0]) {
        return new Verdict(
            HealthStatus.DEGRADED,
            "quick_check did not finish within " + DefaultCircuitBreaker.seconds(cap));
      }
      if (cancelled.getAsBoolean()) {
        return new Verdict(HealthStatus.UNKNOWN, "quick_check cancelled");
      }
      return new Verdict(HealthStatus.UNHEALTHY, "cannot verify: " + e.getMessage());
    }
  }
}
