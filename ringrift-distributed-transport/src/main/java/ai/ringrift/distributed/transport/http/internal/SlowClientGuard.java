package ai.ringrift.distributed.transport.http.internal;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Closes connections that hold the service without using it. Sits before the HTTP codec, so it sees
 * raw bytes:
 *
 * <ul>
 *   <li>waiting for a request: closed after the idle timeout;
 *   <li>receiving a request (from its first byte): closed if the whole request has not arrived
 *       within the request timeout, so a client sending one byte a second cannot hold it;
 *   <li>answering: closed when a writer-idle event (from an {@code IdleStateHandler} observing
 *       output) finds bytes pending that the client does not read.
 * </ul>
 *
 * <p>All methods run on the channel's event loop.
 */
public final class SlowClientGuard extends ChannelDuplexHandler {
  private enum State {
    WAITING,
    RECEIVING,
    ANSWERING
  }

  private final long idleNanos;
  private final long requestNanos;
  private final Consumer<String> onClose;
  private State state = State.WAITING;
  private @Nullable ScheduledFuture<?> timer;
  private @Nullable String stallMark;

  /**
   * Creates a guard for one channel.
   *
   * @param idleNanos how long to wait for a request
   * @param requestNanos how long a request may take to arrive
   * @param onClose told why a connection was closed (for metrics)
   */
  public SlowClientGuard(long idleNanos, long requestNanos, Consumer<String> onClose) {
    this.idleNanos = idleNanos;
    this.requestNanos = requestNanos;
    this.onClose = onClose;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    arm(ctx, idleNanos, "idle");
    super.channelActive(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (state == State.WAITING) {
      state = State.RECEIVING;
      arm(ctx, requestNanos, "request_timeout");
    }
    super.channelRead(ctx, msg);
  }

  /**
   * The handler received a whole request: stop the request timer until the answer is written.
   *
   * @param ctx this handler's context
   */
  public void requestReceived(ChannelHandlerContext ctx) {
    state = State.ANSWERING;
    cancel();
  }

  /**
   * The answer is written: wait for the next request.
   *
   * @param ctx this handler's context
   */
  public void responseDone(ChannelHandlerContext ctx) {
    state = State.WAITING;
    arm(ctx, idleNanos, "idle");
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
    if (evt instanceof IdleStateEvent e && e.state() == IdleState.WRITER_IDLE) {
      // A file region counts 0 towards writability and pending bytes, so progress is judged on
      // the message being flushed: the same message with the same progress at two consecutive
      // writer-idle events means the client read nothing for a whole period.
      var out = ctx.channel().unsafe().outboundBuffer();
      Object current = out == null ? null : out.current();
      if (state != State.ANSWERING || current == null) {
        stallMark = null;
        return;
      }
      String mark = System.identityHashCode(current) + ":" + out.currentProgress();
      if (mark.equals(stallMark)) {
        onClose.accept("write_stall");
        ctx.close();
      }
      stallMark = mark;
      return;
    }
    super.userEventTriggered(ctx, evt);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    cancel();
    super.channelInactive(ctx);
  }

  private void arm(ChannelHandlerContext ctx, long nanos, String reason) {
    cancel();
    timer =
        ctx.executor()
            .schedule(
                () -> {
                  if (ctx.channel().isActive()) {
                    onClose.accept(reason);
                    ctx.close();
                  }
                },
                nanos,
                TimeUnit.NANOSECONDS);
  }

  private void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
