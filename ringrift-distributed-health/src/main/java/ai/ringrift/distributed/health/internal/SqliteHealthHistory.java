package ai.ringrift.distributed.health.internal;

import ai.ringrift.distributed.health.ComponentHealth;
import ai.ringrift.distributed.health.HealthException;
import ai.ringrift.distributed.health.HealthHistory;
import ai.ringrift.distributed.health.HealthStatus;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link HealthHistory} in SQLite. Disk layout: table {@code health_results(id INTEGER PRIMARY KEY
 * AUTOINCREMENT, check_name, checked_at_ms, status, message, metrics_json)} with an index on {@code
 * (check_name, id)}; {@code PRAGMA user_version = 1}; rollback journal ({@code
 * journal_mode=DELETE}), {@code synchronous=FULL}. One connection, used only by the owned thread.
 */
public final class SqliteHealthHistory implements HealthHistory {
  private static final int SCHEMA_VERSION = 1;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

  private final Path file;
  private final int retain;
  private final Connection conn;
  private final ExecutorService thread;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CompletableFuture<Void> closedFuture = new CompletableFuture<>();

  private SqliteHealthHistory(Path file, int retain, Connection conn) {
    this.file = file;
    this.retain = retain;
    this.conn = conn;
    this.thread =
        Executors.newSingleThreadExecutor(
            DefaultHealthChecker.daemonThreads("ringrift-health-history-"));
  }

  /**
   * Opens or creates the file.
   *
   * @param file the file
   * @param retainPerCheck results kept per check
   * @return the history
   */
  public static SqliteHealthHistory open(Path file, int retainPerCheck) {
    Objects.requireNonNull(file, "file");
    if (retainPerCheck < 1) {
      throw new IllegalArgumentException("retainPerCheck must be >= 1: " + retainPerCheck);
    }
    Path abs = file.toAbsolutePath();
    Connection conn = null;
    try {
      if (abs.getParent() != null) {
        Files.createDirectories(abs.getParent());
      }
      conn = DriverManager.getConnection("jdbc:sqlite:" + abs);
      try (Statement st = conn.createStatement()) {
        st.execute("PRAGMA journal_mode=DELETE");
        st.execute("PRAGMA synchronous=FULL");
        st.execute("PRAGMA busy_timeout=10000");
        int version;
        try (ResultSet rs = st.executeQuery("PRAGMA user_version")) {
          version = rs.next() ? rs.getInt(1) : 0;
        }
        if (version > SCHEMA_VERSION) {
          throw new HealthException(
              "health history "
                  + abs
                  + " has schema version "
                  + version
                  + ", newer than this library's "
                  + SCHEMA_VERSION);
        }
        st.execute(
            "CREATE TABLE IF NOT EXISTS health_results ("
                + "id INTEGER PRIMARY KEY AUTOINCREMENT, check_name TEXT NOT NULL, "
                + "checked_at_ms INTEGER NOT NULL, status TEXT NOT NULL, message TEXT NOT NULL, "
                + "metrics_json TEXT NOT NULL)");
        st.execute(
            "CREATE INDEX IF NOT EXISTS health_results_by_check ON health_results(check_name, id)");
        st.execute("PRAGMA user_version = " + SCHEMA_VERSION);
      }
      return new SqliteHealthHistory(abs, retainPerCheck, conn);
    } catch (SQLException | IOException e) {
      closeQuietly(conn);
      throw new HealthException("cannot open health history " + abs + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeQuietly(conn);
      throw e;
    }
  }

  private static void closeQuietly(java.sql.@org.jspecify.annotations.Nullable Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // already failing
      }
    }
  }

  @Override
  public int retainPerCheck() {
    return retain;
  }

  @Override
  public CompletableFuture<Void> record(ComponentHealth result) {
    Objects.requireNonNull(result, "result");
    return recordAll(List.of(result));
  }

  @Override
  public CompletableFuture<Void> recordAll(Collection<ComponentHealth> results) {
    List<ComponentHealth> copy = List.copyOf(results);
    return submit(
        "record " + copy.size() + " result(s)",
        () -> {
          conn.setAutoCommit(false);
          try (PreparedStatement ins =
                  conn.prepareStatement(
                      "INSERT INTO health_results(check_name, checked_at_ms, status, message,"
                          + " metrics_json) VALUES (?, ?, ?, ?, ?)");
              PreparedStatement prune =
                  conn.prepareStatement(
                      "DELETE FROM health_results WHERE check_name = ? AND id < (SELECT MIN(id)"
                          + " FROM (SELECT id FROM health_results WHERE check_name = ? ORDER BY id"
                          + " DESC LIMIT ?))")) {
            for (ComponentHealth c : copy) {
              ins.setString(1, c.name());
              ins.setLong(2, c.lastCheck().toEpochMilli());
              ins.setString(3, c.status().label());
              ins.setString(4, c.message());
              ins.setString(5, toJson(c.metrics()));
              ins.executeUpdate();
            }
            for (String name : copy.stream().map(ComponentHealth::name).distinct().toList()) {
              prune.setString(1, name);
              prune.setString(2, name);
              prune.setInt(3, retain);
              prune.executeUpdate();
            }
            conn.commit();
          } catch (SQLException | RuntimeException e) {
            conn.rollback();
            throw e;
          } finally {
            conn.setAutoCommit(true);
          }
          return null;
        });
  }

  @Override
  public CompletableFuture<List<ComponentHealth>> history(String check, int limit) {
    Objects.requireNonNull(check, "check");
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1: " + limit);
    }
    return submit(
        "read history of '" + check + "'",
        () -> {
          List<ComponentHealth> out = new ArrayList<>();
          try (PreparedStatement q =
              conn.prepareStatement(
                  "SELECT checked_at_ms, status, message, metrics_json FROM health_results"
                      + " WHERE check_name = ? ORDER BY id DESC LIMIT ?")) {
            q.setString(1, check);
            q.setInt(2, limit);
            try (ResultSet rs = q.executeQuery()) {
              while (rs.next()) {
                out.add(
                    new ComponentHealth(
                        check,
                        HealthStatus.parse(rs.getString(2)),
                        rs.getString(3),
                        Instant.ofEpochMilli(rs.getLong(1)),
                        fromJson(rs.getString(4))));
              }
            }
          }
          return List.copyOf(out);
        });
  }

  @Override
  public CompletableFuture<List<String>> checks() {
    return submit(
        "list checks",
        () -> {
          List<String> out = new ArrayList<>();
          try (Statement st = conn.createStatement();
              ResultSet rs =
                  st.executeQuery(
                      "SELECT DISTINCT check_name FROM health_results ORDER BY check_name")) {
            while (rs.next()) {
              out.add(rs.getString(1));
            }
          }
          return List.copyOf(out);
        });
  }

  private <T> CompletableFuture<T> submit(String what, Callable<T> work) {
    if (closed.get()) {
      return CompletableFuture.failedFuture(
          new HealthException("health history " + file + " is closed; cannot " + what));
    }
    CompletableFuture<T> f = new CompletableFuture<>();
    try {
      thread.execute(
          () -> {
            try {
              f.complete(work.call());
            } catch (Exception e) {
              f.completeExceptionally(
                  new HealthException(
                      "health history " + file + ": cannot " + what + ": " + e.getMessage(), e));
            }
          });
    } catch (RejectedExecutionException e) {
      f.completeExceptionally(
          new HealthException("health history " + file + " is closed; cannot " + what, e));
    }
    return f;
  }

  private static String toJson(Map<String, Object> metrics) {
    try {
      return JSON.writeValueAsString(metrics);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("metrics are not JSON-serialisable: " + metrics, e);
    }
  }

  private static Map<String, Object> fromJson(String json) {
    try {
      return JSON.readValue(json, MAP);
    } catch (JsonProcessingException e) {
      return Map.of("unreadable_metrics", json);
    }
  }

  @Override
  public CompletableFuture<Void> closeAsync() {
    if (closed.compareAndSet(false, true)) {
      thread.execute(
          () -> {
            try {
              conn.close();
              closedFuture.complete(null);
            } catch (SQLException e) {
              closedFuture.completeExceptionally(
                  new HealthException("cannot close health history " + file, e));
            }
          });
      thread.shutdown();
    }
    return closedFuture;
  }

  @Override
  public void close() {
    closeAsync();
    try {
      thread.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
