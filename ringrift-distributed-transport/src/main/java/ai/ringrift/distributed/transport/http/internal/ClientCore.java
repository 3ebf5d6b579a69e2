package ai.ringrift.distributed.transport.http.internal;

import ai.ringrift.distributed.transport.TransportException;
import ai.ringrift.distributed.transport.http.P2PException;
import ai.ringrift.distributed.transport.http.P2PException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every client view shares: the JDK {@link HttpClient} (its connection pool), the executor the
 * blocking parts run on, the watchdog scheduler, and the retry policy. Calls run synchronously on
 * the executor ({@code HttpClient.send}); cancelling a call's future interrupts it and closes its
 * body, which aborts the exchange.
 */
public final class ClientCore implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClientCore.class);

  /** The settings a client is built with. */
  public record Settings(
      @Nullable String token,
      Duration connectTimeout,
      Duration requestTimeout,
      Duration readTimeout,
      Duration deadline,
      int maxRetries,
      Duration backoffBase,
      Duration backoffMax,
      @Nullable SSLContext sslContext,
      @Nullable ExecutorService executor) {
    @Override
    public String toString() {
      return "Settings{auth="
          + (token != null ? "token" : "none")
          + " connect="
          + connectTimeout
          + " request="
          + requestTimeout
          + " read="
          + readTimeout
          + " deadline="
          + deadline
          + " retries="
          + maxRetries
          + "}";
    }
  }

  /** The blocking body of one attempt. */
  @FunctionalInterface
  public interface Attempt<T> {
    /**
     * Runs one attempt.
     *
     * @param ctx the attempt's context
     * @return the result
     * @throws Exception a failure, mapped by {@link #translate}
     */
    T run(AttemptContext ctx) throws Exception;
  }

  /** What an attempt uses to send requests and read bodies with the shared timeouts. */
  public final class AttemptContext {
    private final String host;
    private final long deadlineNanos;
    private final AtomicReference<@Nullable InputStream> body;

    AttemptContext(String host, long deadlineNanos, AtomicReference<@Nullable InputStream> body) {
      this.host = host;
      this.deadlineNanos = deadlineNanos;
      this.body = body;
    }

    /**
     * A request builder with auth and the request timeout (bounded by the deadline).
     *
     * @param uri the URI
     * @return the builder
     */
    public HttpRequest.Builder request(URI uri) {
      long left = deadlineNanos - System.nanoTime();
      if (left <= 0) {
        throw P2PException.of("deadline passed before " + uri, host, Kind.TIMEOUT, 0, null);
      }
      Duration t =
          settings.requestTimeout().compareTo(Duration.ofNanos(left)) < 0
              ? settings.requestTimeout()
              : Duration.ofNanos(left);
      HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(t);
      if (settings.token() != null) {
        b.header("Authorization", "Bearer " + settings.token());
      }
      return b;
    }

    /**
     * Sends and returns the response with a watched body; a 4xx/5xx becomes a {@link P2PException}
     * (its body read for the message) unless {@code accept} allows the status.
     *
     * @param req the request
     * @param what what the call is, for messages
     * @param accept extra statuses to return instead of failing (e.g. 416)
     * @return the response
     * @throws Exception a failure
     */
    public HttpResponse<WatchedStream> send(HttpRequest req, String what, int... accept)
        throws Exception {
      HttpResponse<InputStream> r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
      WatchedStream ws =
          new WatchedStream(r.body(), scheduler, settings.readTimeout().toNanos(), deadlineNanos);
      body.set(ws);
      int code = r.statusCode();
      boolean ok = code < 400;
      for (int a : accept) {
        ok |= code == a;
      }
      if (!ok) {
        String msg;
        try (ws) {
          byte[] b = ws.readNBytes(4096);
          msg = new String(b, java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
          msg = "";
        }
        Kind k = kindOf(code);
        throw P2PException.of(
            what + " on " + host + " answered HTTP " + code + ": " + abbreviate(msg),
            host,
            k,
            code,
            null);
      }
      return new WrappedResponse<>(r, ws);
    }

    /**
     * A plain-HTTP {@code GET} for a file body on its own socket (see {@link RawHttpGet}), with
     * auth, the connect timeout and the watched body; statuses as {@link #send}.
     *
     * @param uri an {@code http} URI
     * @param headers extra headers
     * @param what what the call is, for messages
     * @param accept extra statuses to return instead of failing
     * @return the response, its body a {@link WatchedStream}
     * @throws Exception a failure
     */
    public RawHttpGet.Response rawGet(
        URI uri, Map<String, String> headers, String what, int... accept) throws Exception {
      if (deadlineNanos - System.nanoTime() <= 0) {
        throw P2PException.of("deadline passed before " + uri, host, Kind.TIMEOUT, 0, null);
      }
      Map<String, String> h = new java.util.LinkedHashMap<>(headers);
      if (settings.token() != null) {
        h.put("Authorization", "Bearer " + settings.token());
      }
      RawHttpGet.Response r;
      try {
        r =
            RawHttpGet.get(
                uri,
                h,
                (int) Math.min(Integer.MAX_VALUE, settings.connectTimeout().toMillis()),
                (int) Math.min(Integer.MAX_VALUE, settings.readTimeout().toMillis()));
      } catch (java.net.SocketTimeoutException e) {
        throw P2PException.of(
            what + " on " + host + " timed out: " + e.getMessage(), host, Kind.TIMEOUT, 0, e);
      }
      WatchedStream ws =
          new WatchedStream(r.body(), scheduler, settings.readTimeout().toNanos(), deadlineNanos);
      body.set(ws);
      int code = r.status();
      boolean ok = code < 400;
      for (int a : accept) {
        ok |= code == a;
      }
      if (!ok) {
        String msg;
        try (ws) {
          msg = new String(ws.readNBytes(4096), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
          msg = "";
        }
        throw P2PException.of(
            what + " on " + host + " answered HTTP " + code + ": " + abbreviate(msg),
            host,
            kindOf(code),
            code,
            null);
      }
      return new RawHttpGet.Response(code, r.headers(), ws);
    }

    /**
     * The host, for messages.
     *
     * @return the host
     */
    public String host() {
      return host;
    }
  }

  final Settings settings;
  private final HttpClient http;
  private final ExecutorService executor;
  private final boolean ownsExecutor;
  private final ScheduledExecutorService scheduler;
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * Creates the shared parts.
   *
   * @param settings the settings
   */
  public ClientCore(Settings settings) {
    this.settings = settings;
    this.ownsExecutor = settings.executor() == null;
    this.executor =
        settings.executor() != null
            ? settings.executor()
            : Executors.newCachedThreadPool(daemon("p2p-client"));
    this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("p2p-client-watchdog"));
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(settings.connectTimeout())
            .followRedirects(HttpClient.Redirect.NEVER)
            .executor(this.executor);
    if (settings.sslContext() != null) {
      b.sslContext(settings.sslContext());
    }
    this.http = b.build();
  }

  /**
   * The settings.
   *
   * @return the settings
   */
  public Settings settings() {
    return settings;
  }

  /**
   * Runs a call on the executor with retries (idempotent calls only) and the deadline. The future
   * is completed on the executor; cancelling it interrupts the attempt and closes its body.
   *
   * @param host the peer, for messages
   * @param what the call, for messages
   * @param idempotent whether retrying is safe
   * @param retryIntegrity whether a checksum mismatch is retried too (downloads)
   * @param deadline the caller's time budget
   * @param attempt the blocking work
   * @param <T> the result
   * @return the result
   */
  public <T> CompletableFuture<T> call(
      String host,
      String what,
      boolean idempotent,
      boolean retryIntegrity,
      Duration deadline,
      Attempt<T> attempt) {
    AtomicReference<@Nullable Thread> runner = new AtomicReference<>();
    AtomicReference<@Nullable InputStream> body = new AtomicReference<>();
    CompletableFuture<T> f =
        new CompletableFuture<>() {
          @Override
          public boolean cancel(boolean mayInterrupt) {
            boolean c = super.cancel(mayInterrupt);
            Thread t = runner.get();
            if (t != null) {
              t.interrupt();
            }
            closeQuietly(body.get());
            return c;
          }
        };
    if (closed.get()) {
      f.completeExceptionally(
          P2PException.of("the P2P client is closed", host, Kind.CANCELLED, 0, null));
      return f;
    }
    long deadlineNanos = System.nanoTime() + deadline.toNanos();
    try {
      executor.execute(
          () -> {
            runner.set(Thread.currentThread());
            try {
              f.complete(
                  runWithRetries(
                      host, what, idempotent, retryIntegrity, deadlineNanos, attempt, body, f));
            } catch (Throwable t) {
              f.completeExceptionally(f.isCancelled() ? t : translate(t, host, what, body.get()));
            } finally {
              runner.set(null);
              Thread.interrupted();
            }
          });
    } catch (java.util.concurrent.RejectedExecutionException e) {
      f.completeExceptionally(
          P2PException.of("the P2P client is closed", host, Kind.CANCELLED, 0, e));
    }
    return f;
  }

  private <T> T runWithRetries(
      String host,
      String what,
      boolean idempotent,
      boolean retryIntegrity,
      long deadlineNanos,
      Attempt<T> attempt,
      AtomicReference<@Nullable InputStream> body,
      CompletableFuture<T> f)
      throws Exception {
    int tries = 0;
    while (true) {
      try {
        return attempt.run(new AttemptContext(host, deadlineNanos, body));
      } catch (Exception e) {
        InputStream failedBody = body.getAndSet(null);
        closeQuietly(failedBody);
        if (f.isCancelled() || closed.get()) {
          throw P2PException.of(
              what + " on " + host + " was cancelled", host, Kind.CANCELLED, 0, e);
        }
        TransportException te = translate(e, host, what, failedBody);
        boolean retryable =
            idempotent
                && (te.fault() == TransportException.Fault.HOST
                    || retryIntegrity && te.fault() == TransportException.Fault.INTEGRITY);
        if (!retryable || tries >= settings.maxRetries()) {
          throw te;
        }
        long backoff = backoffNanos(tries);
        if (System.nanoTime() + backoff - deadlineNanos > 0) {
          throw te;
        }
        tries++;
        LOG.debug(
            "{} on {} failed (attempt {}), retrying in {} ms: {}",
            what,
            host,
            tries,
            backoff / 1_000_000,
            te.getMessage());
        TimeUnit.NANOSECONDS.sleep(backoff);
      }
    }
  }

  private long backoffNanos(int tries) {
    long base = settings.backoffBase().toNanos();
    long cap = settings.backoffMax().toNanos();
    long exp = Math.min(cap, base << Math.min(tries, 20));
    return exp / 2 + ThreadLocalRandom.current().nextLong(exp / 2 + 1);
  }

  /**
   * Maps any failure to the transport's exception type.
   *
   * @param t the failure
   * @param host the peer
   * @param what the call
   * @param body the body that was being read, if any
   * @return a transport exception
   */
  public static TransportException translate(
      Throwable t, String host, String what, @Nullable InputStream body) {
    if (t instanceof java.util.concurrent.CompletionException && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof TransportException te) {
      return te;
    }
    if (t instanceof InterruptedException || t instanceof CancellationException) {
      Thread.currentThread().interrupt();
      return P2PException.of(what + " on " + host + " was cancelled", host, Kind.CANCELLED, 0, t);
    }
    boolean watchdog = body instanceof WatchedStream ws && ws.timedOut();
    if (t instanceof HttpConnectTimeoutException
        || t instanceof HttpTimeoutException
        || t instanceof java.net.SocketTimeoutException
        || watchdog) {
      return P2PException.of(what + " on " + host + " timed out", host, Kind.TIMEOUT, 0, t);
    }
    if (t instanceof ConnectException) {
      return P2PException.of(
          what
              + ": cannot connect to "
              + host
              + ": "
              // The JDK's ConnectException for a refused connection carries no message.
              + (t.getMessage() == null ? "connection refused" : t.getMessage()),
          host,
          Kind.CONNECTION,
          0,
          t);
    }
    if (t instanceof java.io.EOFException
        || t instanceof com.fasterxml.jackson.core.JsonProcessingException) {
      return P2PException.of(
          what + " on " + host + ": bad answer: " + t.getMessage(), host, Kind.PROTOCOL, 0, t);
    }
    if (t instanceof IOException) {
      return P2PException.of(what + " on " + host + " failed: " + t, host, Kind.CONNECTION, 0, t);
    }
    return P2PException.of(what + " on " + host + " failed: " + t, host, Kind.PROTOCOL, 0, t);
  }

  static Kind kindOf(int code) {
    return code == 401
        ? Kind.UNAUTHORIZED
        : code == 404 ? Kind.NOT_FOUND : code >= 500 ? Kind.SERVER_ERROR : Kind.BAD_REQUEST;
  }

  static String abbreviate(String s) {
    String one = s.replaceAll("\\s+", " ").strip();
    return one.length() > 300 ? one.substring(0, 300) + "..." : one;
  }

  private static void closeQuietly(@Nullable InputStream in) {
    if (in != null) {
      try {
        in.close();
      } catch (IOException e) {
        // nothing to do
      }
    }
  }

  /** Closes the watchdog and the owned executor. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    scheduler.shutdownNow();
    if (ownsExecutor) {
      executor.shutdownNow();
    }
  }

  /** A response whose body is the watched stream. */
  private record WrappedResponse<T>(HttpResponse<?> r, T body) implements HttpResponse<T> {
    @Override
    public int statusCode() {
      return r.statusCode();
    }

    @Override
    public HttpRequest request() {
      return r.request();
    }

    @Override
    public java.util.Optional<HttpResponse<T>> previousResponse() {
      return java.util.Optional.empty();
    }

    @Override
    public java.net.http.HttpHeaders headers() {
      return r.headers();
    }

    @Override
    public java.util.Optional<javax.net.ssl.SSLSession> sslSession() {
      return r.sslSession();
    }

    @Override
    public URI uri() {
      return r.uri();
    }

    @Override
    public HttpClient.Version version() {
      return r.version();
    }
  }

  static Map<String, Object> emptyMap() {
    return Map.of();
  }

  private static java.util.concurrent.ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
