package ai.ringrift.distributed.transport.http;

import ai.ringrift.distributed.transport.ProbeResult;
import ai.ringrift.distributed.transport.RemoteHost;
import ai.ringrift.distributed.transport.TransferRequest;
import ai.ringrift.distributed.transport.TransferResult;
import ai.ringrift.distributed.transport.Transport;
import ai.ringrift.distributed.transport.TransportException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Transport} over peers' P2P services (name {@code http}). A {@link
 * TransferRequest#remotePath()} is {@code CATEGORY/PATH}: {@code models/hex8_2p/best.pth} is one
 * file; {@code models/} or {@code models/hex8_2p/} (ending in {@code /}) is every file of the
 * peer's manifest under that prefix matching the request's includes and excludes (globs on the path
 * relative to the prefix), each downloaded only if the local copy differs (SHA-256).
 *
 * <p>{@link #pull} downloads with resume, verification and atomic install, trying the host's
 * addresses in order. {@link #push} asks the host to pull from this node ({@code POST /sync/pull}),
 * so this node must run a {@link P2PServer} serving the file under that category and be configured
 * with {@link Builder#advertise}. A bandwidth limit is not supported by this transport and is
 * ignored (logged). Deleting extraneous files is refused (fault {@code REQUEST}).
 *
 * <p>Thread-safe; futures complete on the client's executor. Closing cancels nothing in flight but
 * fails new calls; it closes the client only if this transport built it.
 */
public final class HttpTransport implements Transport {
  private static final Logger LOG = LoggerFactory.getLogger(HttpTransport.class);

  private final P2PSyncClient client;
  private final boolean ownsClient;
  private final @Nullable String nodeId;
  private final @Nullable String advertiseHost;
  private final int advertisePort;
  private final AtomicBoolean closed = new AtomicBoolean();

  private HttpTransport(Builder b) {
    this.ownsClient = b.client == null;
    this.client = b.client != null ? b.client : P2PSyncClient.builder().build();
    this.nodeId = b.nodeId;
    this.advertiseHost = b.advertiseHost;
    this.advertisePort = b.advertisePort;
  }

  /**
   * Starts a builder.
   *
   * @return a builder
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public String name() {
    return "http";
  }

  @Override
  public CompletableFuture<TransferResult> pull(RemoteHost host, TransferRequest request) {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(request, "request");
    if (closed.get()) {
      return failed(host, "the http transport is closed", P2PException.Kind.CANCELLED);
    }
    if (request.deleteExtraneous()) {
      return failed(
          host,
          "the http transport never deletes files (deleteExtraneous)",
          P2PException.Kind.BAD_REQUEST);
    }
    if (request.bandwidthLimitBytesPerSecond().isPresent()) {
      LOG.debug("http transport ignores the bandwidth limit of {}", request);
    }
    String remote = request.remotePath();
    int slash = remote.indexOf('/');
    if (slash <= 0) {
      return failed(
          host,
          "remote path must be CATEGORY/PATH, was '" + remote + "'",
          P2PException.Kind.BAD_REQUEST);
    }
    String category = remote.substring(0, slash);
    String rest = remote.substring(slash + 1);
    return tryAddresses(
        host,
        0,
        null,
        peer ->
            rest.isEmpty() || rest.endsWith("/")
                ? pullTree(host, peer, category, rest, request)
                : pullFile(host, peer, category, rest, request));
  }

  private CompletableFuture<TransferResult> pullFile(
      RemoteHost host, P2PSyncClient peer, String category, String path, TransferRequest request) {
    long t0 = System.nanoTime();
    Path dest =
        Files.isDirectory(request.localPath())
            ? request.localPath().resolve(Path.of(path).getFileName().toString())
            : request.localPath();
    return peer.downloadFile(
            category,
            path,
            dest,
            request.expectedSha256().orElse(null),
            request.timeout(),
            request.listener())
        .thenApply(
            r ->
                new TransferResult(
                    host.name(),
                    name(),
                    r.skipped() ? 0 : 1,
                    r.bytesTransferred(),
                    Duration.ofNanos(System.nanoTime() - t0)));
  }

  private CompletableFuture<TransferResult> pullTree(
      RemoteHost host,
      P2PSyncClient peer,
      String category,
      String prefix,
      TransferRequest request) {
    long t0 = System.nanoTime();
    List<PathMatcher> inc = matchers(request.includes());
    List<PathMatcher> exc = matchers(request.excludes());
    return peer.getManifest(category)
        .thenCompose(
            m -> {
              List<FileManifest.Entry> todo = new ArrayList<>();
              for (FileManifest.Entry e : m.files()) {
                if (!e.path().startsWith(prefix)) {
                  continue;
                }
                Path rel = Path.of(e.path().substring(prefix.length()));
                boolean in =
                    inc.isEmpty()
                        || inc.stream()
                            .anyMatch(p -> p.matches(rel) || p.matches(rel.getFileName()));
                boolean out =
                    exc.stream().anyMatch(p -> p.matches(rel) || p.matches(rel.getFileName()));
                if (in && !out) {
                  todo.add(e);
                }
              }
              CompletableFuture<long[]> chain = CompletableFuture.completedFuture(new long[2]);
              for (FileManifest.Entry e : todo) {
                Path dest = request.localPath().resolve(e.path().substring(prefix.length()));
                chain =
                    chain.thenCompose(
                        acc ->
                            peer.downloadFile(
                                    category,
                                    e.path(),
                                    dest,
                                    e.sha256(),
                                    request.timeout(),
                                    request.listener())
                                .thenApply(
                                    r -> {
                                      acc[0] += r.skipped() ? 0 : 1;
                                      acc[1] += r.bytesTransferred();
                                      return acc;
                                    }));
              }
              return chain;
            })
        .thenApply(
            acc ->
                new TransferResult(
                    host.name(), name(), acc[0], acc[1], Duration.ofNanos(System.nanoTime() - t0)));
  }

  @Override
  public CompletableFuture<TransferResult> push(RemoteHost host, TransferRequest request) {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(request, "request");
    if (closed.get()) {
      return failed(host, "the http transport is closed", P2PException.Kind.CANCELLED);
    }
    if (advertiseHost == null || nodeId == null) {
      return failed(
          host,
          "http push needs advertise(nodeId, host, port): the peer pulls from this node's service",
          P2PException.Kind.BAD_REQUEST);
    }
    String remote = request.remotePath();
    int slash = remote.indexOf('/');
    if (slash <= 0 || slash == remote.length() - 1) {
      return failed(
          host,
          "remote path must be CATEGORY/PATH of one file, was '" + remote + "'",
          P2PException.Kind.BAD_REQUEST);
    }
    String category = remote.substring(0, slash);
    String path = remote.substring(slash + 1);
    long t0 = System.nanoTime();
    return tryAddresses(
        host,
        0,
        null,
        peer ->
            peer.requestPull(nodeId, advertiseHost, advertisePort, category, List.of(path))
                .thenApply(
                    m -> {
                      if (!Boolean.TRUE.equals(m.get("success"))) {
                        throw P2PException.of(
                            host.name()
                                + " failed to pull "
                                + remote
                                + " from "
                                + nodeId
                                + ": "
                                + m.get("error"),
                            host.name(),
                            P2PException.Kind.SERVER_ERROR,
                            200,
                            null);
                      }
                      long bytes =
                          m.get("bytes_transferred") instanceof Number n ? n.longValue() : 0;
                      return new TransferResult(
                          host.name(),
                          name(),
                          bytes > 0 ? 1 : 0,
                          bytes,
                          Duration.ofNanos(System.nanoTime() - t0));
                    }));
  }

  @Override
  public CompletableFuture<ProbeResult> probe(RemoteHost host) {
    long t0 = System.nanoTime();
    List<String> addrs = host.addresses();
    CompletableFuture<ProbeResult> chain = CompletableFuture.completedFuture(null);
    for (String a : addrs) {
      chain =
          chain.thenCompose(
              found ->
                  found != null && found.reachable()
                      ? CompletableFuture.completedFuture(found)
                      : client
                          .withPeer(a, host.p2pPort())
                          .checkHealth()
                          .thenApply(
                              ok ->
                                  new ProbeResult(
                                      host.name(),
                                      name(),
                                      ok,
                                      Duration.ofNanos(System.nanoTime() - t0),
                                      ok
                                          ? a + ":" + host.p2pPort()
                                          : "no healthy answer from "
                                              + addrs
                                              + " port "
                                              + host.p2pPort())));
    }
    return chain;
  }

  @Override
  public CompletableFuture<Void> closeAsync() {
    if (closed.compareAndSet(false, true) && ownsClient) {
      client.close();
    }
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public void close() {
    closeAsync().join();
  }

  private interface Op {
    CompletableFuture<TransferResult> run(P2PSyncClient peer);
  }

  /** Tries each address of the host; moves on only after a host fault. */
  private CompletableFuture<TransferResult> tryAddresses(
      RemoteHost host, int i, @Nullable Throwable last, Op op) {
    List<String> addrs = host.addresses();
    if (i >= addrs.size()) {
      CompletableFuture<TransferResult> f = new CompletableFuture<>();
      f.completeExceptionally(
          last != null
              ? last
              : new P2PException(
                  "no address for " + host.name(),
                  host.name(),
                  P2PException.Kind.CONNECTION,
                  0,
                  null));
      return f;
    }
    CompletableFuture<TransferResult> attempt;
    try {
      attempt = op.run(client.withPeer(addrs.get(i), host.p2pPort()));
    } catch (RuntimeException e) {
      attempt = CompletableFuture.failedFuture(e);
    }
    return attempt
        .handle(
            (r, t) -> {
              if (t == null) {
                return CompletableFuture.completedFuture(r);
              }
              Throwable cause =
                  t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
              if (cause instanceof TransportException te
                  && te.fault() == TransportException.Fault.HOST
                  && i + 1 < addrs.size()) {
                return tryAddresses(host, i + 1, cause, op);
              }
              return CompletableFuture.<TransferResult>failedFuture(cause);
            })
        .thenCompose(f -> f);
  }

  private static List<PathMatcher> matchers(List<String> globs) {
    List<PathMatcher> out = new ArrayList<>();
    for (String g : globs) {
      out.add(FileSystems.getDefault().getPathMatcher("glob:" + g));
    }
    return out;
  }

  private static CompletableFuture<TransferResult> failed(
      RemoteHost host, String msg, P2PException.Kind kind) {
    return CompletableFuture.failedFuture(
        P2PException.of(msg + " (host " + host.name() + ")", host.name(), kind, 0, null));
  }

  /** Builds an {@link HttpTransport}. */
  public static final class Builder {
    private @Nullable P2PSyncClient client;
    private @Nullable String nodeId;
    private @Nullable String advertiseHost;
    private int advertisePort;

    private Builder() {}

    /**
     * The client to use (its token, TLS, timeouts, retries, executor). Not closed by the transport.
     * Default: one built from the environment, closed with the transport.
     *
     * @param client the client
     * @return this builder
     */
    public Builder client(P2PSyncClient client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /**
     * How peers reach this node's P2P service, for {@link HttpTransport#push}.
     *
     * @param nodeId this node's id
     * @param host an address peers can reach
     * @param port the service's port
     * @return this builder
     */
    public Builder advertise(String nodeId, String host, int port) {
      Objects.requireNonNull(nodeId, "nodeId");
      Objects.requireNonNull(host, "host");
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException("port must be 1..65535, was " + port);
      }
      this.nodeId = nodeId;
      this.advertiseHost = host;
      this.advertisePort = port;
      return this;
    }

    /**
     * Builds the transport.
     *
     * @return the transport
     */
    public HttpTransport build() {
      return new HttpTransport(this);
    }
  }
}
