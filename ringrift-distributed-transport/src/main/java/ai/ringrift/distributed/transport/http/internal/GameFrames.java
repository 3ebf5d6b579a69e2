package ai.ringrift.distributed.transport.http.internal;

import ai.ringrift.distributed.transport.http.GamePayload;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.jspecify.annotations.Nullable;

/**
 * The game stream format (version 1), inside one gzip member: per game a frame {@code u32 length
 * (big-endian, > 0)} + {@code length} bytes of UTF-8 JSON, the game document, which carries {@code
 * "game_id"}; then an end frame {@code u32 0}. A stream without the end frame was cut and is
 * rejected. One frame is at most {@link #MAX_FRAME} bytes.
 */
public final class GameFrames {
  /** The media type of a game stream. */
  public static final String MEDIA_TYPE = "application/x-ringrift-games";

  /** The format version, sent as {@code X-RingRift-Frames}. */
  public static final String VERSION = "1";

  /** The largest frame accepted: 256 MiB. */
  public static final int MAX_FRAME = 256 << 20;

  private GameFrames() {}

  /** Writes frames into a gzip stream over an output stream. Not thread-safe. */
  public static final class Writer {
    private final GZIPOutputStream gzip;
    private final DataOutputStream out;

    /**
     * Starts a stream.
     *
     * @param sink where the compressed bytes go
     * @throws IOException if the gzip header cannot be written
     */
    public Writer(OutputStream sink) throws IOException {
      this.gzip = new FastGzip(sink);
      this.out = new DataOutputStream(gzip);
    }

    /**
     * Writes one game.
     *
     * @param game the game
     * @throws IOException if the sink fails
     */
    public void write(GamePayload game) throws IOException {
      byte[] json = game.json();
      if (json.length > MAX_FRAME) {
        throw new IOException(
            "game "
                + game.gameId()
                + " is "
                + json.length
                + " bytes, over the frame limit "
                + MAX_FRAME);
      }
      out.writeInt(json.length);
      out.write(json);
    }

    /**
     * Writes the end frame and finishes the gzip member (does not close the sink).
     *
     * @throws IOException if the sink fails
     */
    public void finish() throws IOException {
      out.writeInt(0);
      out.flush();
      gzip.finish();
    }
  }

  /** gzip at the fastest level: game JSON compresses well even so, and CPU is shared. */
  private static final class FastGzip extends GZIPOutputStream {
    FastGzip(OutputStream sink) throws IOException {
      super(sink, 64 * 1024, false);
      def.setLevel(Deflater.BEST_SPEED);
    }
  }

  /** Reads frames from a gzip stream. Not thread-safe. */
  public static final class Reader implements AutoCloseable {
    private final DataInputStream in;
    private boolean ended;

    /**
     * Opens a stream.
     *
     * @param compressed the response body
     * @throws IOException if the gzip header is bad
     */
    public Reader(InputStream compressed) throws IOException {
      this.in = new DataInputStream(new GZIPInputStream(compressed, 64 * 1024));
    }

    /**
     * The next game's JSON.
     *
     * @return the document, or {@code null} at the end frame
     * @throws IOException if the stream is cut, corrupt or a frame is too large
     */
    public byte @Nullable [] next() throws IOException {
      if (ended) {
        return null;
      }
      int n;
      try {
        n = in.readInt();
      } catch (EOFException e) {
        throw new EOFException("game stream cut before its end frame");
      }
      if (n == 0) {
        ended = true;
        return null;
      }
      if (n < 0 || n > MAX_FRAME) {
        throw new IOException(
            "game frame of " + Integer.toUnsignedString(n) + " bytes, over the limit " + MAX_FRAME);
      }
      byte[] b = new byte[n];
      try {
        in.readFully(b);
      } catch (EOFException e) {
        throw new EOFException("game stream cut inside a frame of " + n + " bytes");
      }
      return b;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
