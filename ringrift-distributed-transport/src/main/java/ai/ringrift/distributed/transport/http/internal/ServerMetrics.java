package ai.ringrift.distributed.transport.http.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The service's meters. Prometheus names: {@code p2p_requests_total{route,status}}, {@code
 * p2p_request_errors_total{route,reason}}, {@code p2p_request_seconds}, {@code
 * p2p_bytes_sent_total{route}}, {@code p2p_connections_closed_total{reason}}, {@code
 * p2p_transfers_active}, {@code p2p_connections_open}.
 */
public final class ServerMetrics {
  private final PrometheusMeterRegistry registry;
  private final AtomicInteger connections = new AtomicInteger();

  /**
   * Registers the gauges.
   *
   * @param registry where meters go
   * @param activeTransfers the number of transfers running
   */
  public ServerMetrics(PrometheusMeterRegistry registry, Supplier<Number> activeTransfers) {
    this.registry = registry;
    Gauge.builder("p2p_transfers_active", activeTransfers)
        .description("file and game streams running now")
        .register(registry);
    Gauge.builder("p2p_connections_open", connections, AtomicInteger::get)
        .description("open client connections")
        .register(registry);
    // Registered up front so /metrics always shows the error counter.
    Counter.builder("p2p_request_errors")
        .description("requests answered with an error, by reason")
        .tag("route", "none")
        .tag("reason", "none")
        .register(registry);
  }

  /**
   * The registry.
   *
   * @return the registry
   */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /**
   * Counts an answered request.
   *
   * @param route the route's name
   * @param status the HTTP status
   * @param elapsed time to answer (to the end of the body for streams)
   */
  public void request(String route, int status, Duration elapsed) {
    Counter.builder("p2p_requests")
        .tag("route", route)
        .tag("status", Integer.toString(status))
        .register(registry)
        .increment();
    Timer.builder("p2p_request_seconds").tag("route", route).register(registry).record(elapsed);
  }

  /**
   * Counts a request error.
   *
   * @param route the route's name
   * @param reason a short reason, e.g. {@code unauthorized}
   */
  public void error(String route, String reason) {
    Counter.builder("p2p_request_errors")
        .description("requests answered with an error, by reason")
        .tag("route", route)
        .tag("reason", reason)
        .register(registry)
        .increment();
  }

  /**
   * Counts bytes of response bodies.
   *
   * @param route the route's name
   * @param bytes how many
   */
  public void bytesSent(String route, long bytes) {
    Counter.builder("p2p_bytes_sent").tag("route", route).register(registry).increment(bytes);
  }

  /**
   * Counts a connection the service closed on purpose.
   *
   * @param reason {@code idle}, {@code request_timeout}, {@code write_stall}
   */
  public void closed(String reason) {
    Counter.builder("p2p_connections_closed").tag("reason", reason).register(registry).increment();
  }

  /** A connection opened. */
  public void opened() {
    connections.incrementAndGet();
  }

  /** A connection closed. */
  public void gone() {
    connections.decrementAndGet();
  }
}
