package ai.ringrift.distributed.transport.http.internal;

import ai.ringrift.distributed.transport.http.GameSink;
import ai.ringrift.distributed.transport.http.GameSource;
import ai.ringrift.distributed.transport.http.P2PSyncClient;
import ai.ringrift.distributed.transport.http.StatusContributor;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.function.BooleanSupplier;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;

/** The validated settings of a P2P service, as the public builder made them. */
public record ServerSettings(
    String bindHost,
    int port,
    @Nullable String token,
    boolean insecure,
    @Nullable SSLContext sslContext,
    String nodeId,
    String version,
    Map<String, Path> categories,
    @Nullable Path dataDir,
    @Nullable GameSource gameSource,
    @Nullable GameSink gameSink,
    @Nullable Path cursorDir,
    List<StatusContributor> contributors,
    @Nullable ExecutorService executor,
    @Nullable PrometheusMeterRegistry registry,
    int maxHeaderBytes,
    int maxBodyBytes,
    Duration idleTimeout,
    Duration requestTimeout,
    Duration writeStallTimeout,
    int maxConcurrentTransfers,
    int maxDiskUsagePercent,
    @Nullable P2PSyncClient puller,
    Clock clock,
    BooleanSupplier readiness) {

  /**
   * Refuses a tokenless service beyond loopback unless insecure was asked for.
   *
   * @throws IllegalStateException if the bind address is not loopback, there is no token and the
   *     service is not insecure
   */
  public void checkBindAllowed() {
    if (token != null || insecure) {
      return;
    }
    boolean loopback;
    try {
      InetAddress a = InetAddress.getByName(bindHost);
      loopback = a.isLoopbackAddress();
    } catch (UnknownHostException e) {
      loopback = false;
    }
    if (!loopback) {
      throw new IllegalStateException(
          "refusing to serve on "
              + bindHost
              + " without a cluster token: set RINGRIFT_CLUSTER_AUTH_TOKEN (or _FILE), bind to"
              + " 127.0.0.1, or set insecure(true) on purpose");
    }
  }

  @Override
  public String toString() {
    // Never the token.
    return "ServerSettings{bind="
        + bindHost
        + ":"
        + port
        + " auth="
        + (token != null ? "token" : "none")
        + (sslContext != null ? " tls" : "")
        + " node="
        + nodeId
        + " categories="
        + categories.keySet()
        + "}";
  }
}
