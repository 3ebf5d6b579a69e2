package ai.ringrift.distributed.transport.http.internal;

import ai.ringrift.distributed.transport.http.P2PException;
import ai.ringrift.distributed.transport.http.P2PSyncClient;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLEngine;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Netty service behind {@code P2PServer}. Pipeline per connection: [TLS] → writer-idle
 * detection → {@link SlowClientGuard} → HTTP codec (header limit) → aggregator (body limit) →
 * chunked writer → {@link P2PRequestHandler}. One boss and two worker event loops; blocking work on
 * the executor.
 */
public final class NettyP2PServer {
  private static final Logger LOG = LoggerFactory.getLogger(NettyP2PServer.class);

  final ServerSettings settings;
  final ExecutorService blocking;
  private final boolean ownsExecutor;
  final ServerMetrics metrics;
  final ManifestCache manifests = new ManifestCache();
  final Semaphore transfers;
  final AtomicInteger activeTransfers = new AtomicInteger();
  final Instant startedAt;
  final AtomicBoolean closing = new AtomicBoolean();
  private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final boolean epoll;
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final CompletableFuture<InetSocketAddress> started = new CompletableFuture<>();
  private final AtomicBoolean startCalled = new AtomicBoolean();
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private volatile @Nullable Channel serverChannel;
  private volatile @Nullable P2PSyncClient ownedPuller;

  /**
   * Creates the service (nothing bound yet).
   *
   * @param settings validated settings
   */
  public NettyP2PServer(ServerSettings settings) {
    this.settings = settings;
    ExecutorService ex = settings.executor();
    this.ownsExecutor = ex == null;
    this.blocking = ex != null ? ex : Executors.newFixedThreadPool(8, daemon("p2p-blocking"));
    PrometheusMeterRegistry reg = settings.registry();
    this.metrics =
        new ServerMetrics(
            reg != null ? reg : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
            activeTransfers::get);
    this.transfers = new Semaphore(settings.maxConcurrentTransfers());
    this.startedAt = settings.clock().instant();
    this.epoll = io.netty.channel.epoll.Epoll.isAvailable();
    this.boss = new MultiThreadIoEventLoopGroup(1, daemonNetty("p2p-accept"), ioHandlers(epoll));
    this.workers = new MultiThreadIoEventLoopGroup(2, daemonNetty("p2p-io"), ioHandlers(epoll));
  }

  /**
   * Binds and starts; see {@code P2PServer#start}.
   *
   * @return the bound address
   */
  public CompletableFuture<InetSocketAddress> start() {
    if (!startCalled.compareAndSet(false, true)) {
      return started;
    }
    if (closing.get()) {
      started.completeExceptionally(
          new P2PException(
              "the P2P service was closed", null, P2PException.Kind.CANCELLED, 0, null));
      return started;
    }
    ServerBootstrap b =
        new ServerBootstrap()
            .group(boss, workers)
            .channel(
                epoll
                    ? io.netty.channel.epoll.EpollServerSocketChannel.class
                    : NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(
                ChannelOption.WRITE_BUFFER_WATER_MARK,
                new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    configure(ch);
                  }
                });
    b.bind(settings.bindHost(), settings.port())
        .addListener(
            f -> {
              if (f.isSuccess()) {
                Channel ch = ((io.netty.channel.ChannelFuture) f).channel();
                serverChannel = ch;
                channels.add(ch);
                InetSocketAddress a = (InetSocketAddress) ch.localAddress();
                LOG.info(
                    "P2P service of node {} listening on {} ({}, {})",
                    settings.nodeId(),
                    a,
                    epoll ? "epoll" : "nio",
                    settings);
                blocking.execute(() -> started.complete(a));
              } else {
                P2PException e =
                    new P2PException(
                        "could not bind the P2P service to "
                            + settings.bindHost()
                            + ":"
                            + settings.port(),
                        null,
                        P2PException.Kind.LOCAL_IO,
                        0,
                        f.cause());
                blocking.execute(() -> started.completeExceptionally(e));
              }
            });
    return started;
  }

  private void configure(SocketChannel ch) {
    ChannelPipeline p = ch.pipeline();
    if (settings.sslContext() != null) {
      SSLEngine engine = settings.sslContext().createSSLEngine();
      engine.setUseClientMode(false);
      p.addLast("tls", new SslHandler(engine));
    }
    long stall = settings.writeStallTimeout().toNanos();
    // Two consecutive writer-idle periods without progress close the connection (SlowClientGuard).
    p.addLast("idle", new IdleStateHandler(true, 0, stall / 2, 0, TimeUnit.NANOSECONDS));
    p.addLast(
        "guard",
        new SlowClientGuard(
            settings.idleTimeout().toNanos(),
            settings.requestTimeout().toNanos(),
            metrics::closed));
    p.addLast(
        "codec",
        new HttpServerCodec(
            new HttpDecoderConfig()
                .setMaxInitialLineLength(Math.min(8192, settings.maxHeaderBytes()))
                .setMaxHeaderSize(settings.maxHeaderBytes())
                .setMaxChunkSize(64 * 1024)));
    p.addLast("aggregator", new HttpObjectAggregator(settings.maxBodyBytes(), true));
    p.addLast("chunked", new ChunkedWriteHandler());
    p.addLast("handler", new P2PRequestHandler(this));
    channels.add(ch);
  }

  /**
   * The bound address.
   *
   * @return the address
   */
  public InetSocketAddress address() {
    Channel ch = serverChannel;
    if (ch == null) {
      throw new IllegalStateException("the P2P service is not started");
    }
    return (InetSocketAddress) ch.localAddress();
  }

  /**
   * The registry.
   *
   * @return the registry
   */
  public PrometheusMeterRegistry meterRegistry() {
    return metrics.registry();
  }

  /**
   * The client {@code /sync/pull} and {@code /sync/games} use: the configured one, or one made
   * lazily with our token.
   *
   * @return the client
   */
  synchronized P2PSyncClient puller() {
    P2PSyncClient p = settings.puller();
    if (p != null) {
      return p;
    }
    if (ownedPuller == null) {
      // Its own executor: /sync/pull and /sync/games wait for it on a blocking thread, so running
      // its calls on the same bounded pool could deadlock.
      P2PSyncClient.Builder b = P2PSyncClient.builder().env(java.util.Map.of());
      if (settings.token() != null) {
        b.authToken(settings.token());
      }
      ownedPuller = b.build();
    }
    return ownedPuller;
  }

  /**
   * Closes; see {@code P2PServer#closeAsync}.
   *
   * @return completes when released
   */
  public CompletableFuture<Void> closeAsync() {
    if (!closing.compareAndSet(false, true)) {
      return closed;
    }
    Thread t =
        new Thread(
            () -> {
              try {
                channels.close().awaitUninterruptibly(10, TimeUnit.SECONDS);
                boss.shutdownGracefully(0, 2, TimeUnit.SECONDS)
                    .awaitUninterruptibly(5, TimeUnit.SECONDS);
                workers
                    .shutdownGracefully(0, 2, TimeUnit.SECONDS)
                    .awaitUninterruptibly(5, TimeUnit.SECONDS);
                P2PSyncClient p = ownedPuller;
                if (p != null) {
                  p.close();
                }
                if (ownsExecutor) {
                  blocking.shutdownNow();
                  blocking.awaitTermination(5, TimeUnit.SECONDS);
                }
                if (!started.isDone()) {
                  started.completeExceptionally(
                      new P2PException(
                          "the P2P service was closed",
                          null,
                          P2PException.Kind.CANCELLED,
                          0,
                          null));
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } finally {
                closed.complete(null);
              }
            },
            "p2p-close");
    t.setDaemon(true);
    t.start();
    return closed;
  }

  @Override
  public String toString() {
    Channel ch = serverChannel;
    return "P2PServer{node="
        + settings.nodeId()
        + " "
        + (ch != null ? ch.localAddress() : "unbound")
        + "}";
  }

  /** Native epoll when it loads (Linux): sendfile without NIO's selector round trips. */
  private static io.netty.channel.IoHandlerFactory ioHandlers(boolean epoll) {
    return epoll ? io.netty.channel.epoll.EpollIoHandler.newFactory() : NioIoHandler.newFactory();
  }

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  private static ThreadFactory daemonNetty(String prefix) {
    return new DefaultThreadFactory(prefix, true);
  }
}
