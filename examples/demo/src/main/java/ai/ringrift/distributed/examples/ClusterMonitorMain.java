package ai.ringrift.distributed.examples;

import ai.ringrift.distributed.core.config.ClusterConfig;
import ai.ringrift.distributed.core.config.ConfigException;
import ai.ringrift.distributed.core.monitor.ClusterMonitor;
import ai.ringrift.distributed.core.monitor.ClusterStatus;
import ai.ringrift.distributed.core.monitor.ClusterStatusFormat;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The cluster monitor CLI behind {@code scripts/cluster-monitor} (the Python {@code python -m
 * app.distributed.cluster_monitor}): every configured host's {@code GET /status}, once or every
 * {@code --interval} seconds, as the Python monitor's text or as JSON.
 *
 * <p>Exit codes: 0 after a query (offline hosts included), 2 for bad arguments or an unreadable
 * config. The cluster token comes from {@code RINGRIFT_CLUSTER_AUTH_TOKEN} or {@code
 * RINGRIFT_CLUSTER_AUTH_TOKEN_FILE}.
 */
public final class ClusterMonitorMain {
  static final String USAGE =
      String.join(
          "\n",
          "usage: cluster-monitor [--config PATH] [--watch] [--interval N] [--json]",
          "                       [--hosts H [H ...]] [--timeout N] [--once]",
          "",
          "  --config PATH   hosts YAML (default: $RINGRIFT_CLUSTER_CONFIG or "
              + ClusterConfig.DEFAULT_PATH
              + ")",
          "  --watch         query again every --interval seconds until interrupted",
          "  --interval N    seconds between queries in watch mode (default 10)",
          "  --json          print JSON instead of the text table",
          "  --hosts H ...   only these hosts (names from the config)",
          "  --timeout N     seconds each host may take to answer (default 15)",
          "  --once          query once (the default; overrides --watch)",
          "  -h, --help      this message",
          "",
          "The token comes from RINGRIFT_CLUSTER_AUTH_TOKEN or RINGRIFT_CLUSTER_AUTH_TOKEN_FILE.");

  private ClusterMonitorMain() {}

  /**
   * Runs the CLI and exits with its code.
   *
   * @param args the arguments (see {@link #USAGE})
   */
  public static void main(String[] args) {
    System.exit(run(args, System.getenv(), System.out, System.err, null));
  }

  /** Parsed arguments. */
  record Options(
      @Nullable Path config,
      boolean watch,
      Duration interval,
      boolean json,
      List<String> hosts,
      Duration timeout) {}

  /** A bad argument; its message goes above the usage. */
  static final class UsageException extends Exception {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  static Options parse(String[] args) throws UsageException {
    Path config = null;
    boolean watch = false;
    boolean once = false;
    boolean json = false;
    Duration interval = Duration.ofSeconds(10);
    Duration timeout = Duration.ofSeconds(15);
    List<String> hosts = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--config" -> config = Path.of(value(args, ++i, a));
        case "--watch" -> watch = true;
        case "--once" -> once = true;
        case "--json" -> json = true;
        case "--interval" -> interval = seconds(value(args, ++i, a), a);
        case "--timeout" -> timeout = seconds(value(args, ++i, a), a);
        case "--hosts" -> {
          int start = hosts.size();
          while (i + 1 < args.length && !args[i + 1].startsWith("-")) {
            hosts.add(args[++i]);
          }
          if (hosts.size() == start) {
            throw new UsageException("--hosts needs at least one host name");
          }
        }
        default -> throw new UsageException("unknown argument: " + a);
      }
    }
    return new Options(config, watch && !once, interval, json, List.copyOf(hosts), timeout);
  }

  private static String value(String[] args, int i, String flag) throws UsageException {
    if (i >= args.length || args[i].startsWith("--")) {
      throw new UsageException(flag + " needs a value");
    }
    return args[i];
  }

  private static Duration seconds(String v, String flag) throws UsageException {
    double s;
    try {
      s = Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new UsageException(flag + " must be a number of seconds, was " + v);
    }
    if (!(s > 0) || s > 86_400) {
      throw new UsageException(flag + " must be more than 0 and at most 86400 seconds, was " + v);
    }
    return Duration.ofMillis(Math.max(1, Math.round(s * 1000)));
  }

  /**
   * Runs the CLI.
   *
   * @param args arguments
   * @param env environment (config path and token)
   * @param out where statuses go
   * @param err where errors and usage go
   * @param stop in watch mode, counted down to stop; null to watch until the JVM exits
   * @return the exit code
   */
  static int run(
      String[] args,
      Map<String, String> env,
      PrintStream out,
      PrintStream err,
      @Nullable CountDownLatch stop) {
    if (List.of(args).contains("-h") || List.of(args).contains("--help")) {
      out.println(USAGE);
      return 0;
    }
    Options o;
    try {
      o = parse(args);
    } catch (UsageException e) {
      err.println("cluster-monitor: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    Path path = o.config() != null ? o.config() : ClusterConfig.configPath(env);
    ClusterConfig config;
    try {
      config = ClusterConfig.load(path, env, Runnable::run).join();
    } catch (CompletionException e) {
      Throwable c = e.getCause() != null ? e.getCause() : e;
      err.println(
          "cluster-monitor: "
              + (c instanceof ConfigException ? "" : "cannot read " + path + ": ")
              + c.getMessage());
      return 2;
    }
    ClusterMonitor.Builder b = ClusterMonitor.builder(config).env(env).timeout(o.timeout());
    if (!o.hosts().isEmpty()) {
      b.hosts(o.hosts());
    }
    ClusterMonitor monitor;
    try {
      monitor = b.build();
    } catch (IllegalArgumentException | UncheckedIOException e) {
      err.println("cluster-monitor: " + e.getMessage());
      return 2;
    }
    Consumer<ClusterStatus> print =
        s -> {
          if (o.json()) {
            out.println(ClusterStatusFormat.json(s));
          } else {
            if (o.watch() && System.console() != null) {
              out.print("\033[H\033[2J");
            }
            out.print(ClusterStatusFormat.text(s, ZoneId.systemDefault()));
          }
          out.flush();
        };
    try (monitor) {
      if (!o.watch()) {
        print.accept(monitor.clusterStatus().join());
        return 0;
      }
      CountDownLatch done = stop != null ? stop : new CountDownLatch(1);
      ClusterMonitor.Watch w = monitor.watch(o.interval(), print);
      Thread hook = new Thread(done::countDown, "cluster-monitor-shutdown");
      if (stop == null) {
        Runtime.getRuntime().addShutdownHook(hook);
      }
      try {
        done.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        w.close();
      }
      return 0;
    }
  }
}
