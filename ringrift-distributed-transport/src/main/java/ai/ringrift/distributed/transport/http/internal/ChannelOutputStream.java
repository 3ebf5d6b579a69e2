package ai.ringrift.distributed.transport.http.internal;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.DefaultHttpContent;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * An output stream, used from a blocking-executor thread, that writes HTTP chunks to a channel with
 * back-pressure: when the channel is not writable (the client reads slower than we produce) the
 * writing thread waits for the last write to drain, so memory holds at most about one buffer plus
 * the channel's high-water mark. A client that stops reading for the stall timeout makes {@code
 * write} fail and the connection close. Never call from an event loop.
 */
public final class ChannelOutputStream extends OutputStream {
  private static final int CHUNK = 64 * 1024;

  private final Channel channel;
  private final long stallMillis;
  private final LongConsumer sent;
  private byte[] buf = new byte[CHUNK];
  private int len;
  private boolean closed;

  /**
   * Creates a stream over a channel whose response headers were written.
   *
   * @param channel the channel
   * @param stallMillis how long to wait for a non-writable channel to drain
   * @param sent told how many bytes each chunk held
   */
  public ChannelOutputStream(Channel channel, long stallMillis, LongConsumer sent) {
    this.channel = channel;
    this.stallMillis = stallMillis;
    this.sent = sent;
  }

  @Override
  public void write(int b) throws IOException {
    if (len == buf.length) {
      flushChunk();
    }
    buf[len++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int n) throws IOException {
    while (n > 0) {
      if (len == buf.length) {
        flushChunk();
      }
      int k = Math.min(n, buf.length - len);
      System.arraycopy(b, off, buf, len, k);
      len += k;
      off += k;
      n -= k;
    }
  }

  @Override
  public void flush() throws IOException {
    if (len > 0) {
      flushChunk();
    }
  }

  /** Flushes what is buffered; the caller writes the last chunk itself. */
  @Override
  public void close() throws IOException {
    if (!closed) {
      closed = true;
      flush();
    }
  }

  private void flushChunk() throws IOException {
    if (!channel.isActive()) {
      throw new IOException("the client closed the connection");
    }
    byte[] out = buf;
    int n = len;
    buf = new byte[CHUNK];
    len = 0;
    ChannelFuture f =
        channel.writeAndFlush(new DefaultHttpContent(Unpooled.wrappedBuffer(out, 0, n)));
    sent.accept(n);
    if (!channel.isWritable()) {
      try {
        if (!f.await(stallMillis, TimeUnit.MILLISECONDS)) {
          channel.close();
          throw new IOException("the client read nothing for " + stallMillis + " ms");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        channel.close();
        throw new IOException("interrupted while waiting for the client to read", e);
      }
      if (!f.isSuccess()) {
        throw new IOException("write failed", f.cause());
      }
    }
  }
}
