package ai.ringrift.distributed.transport.http.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The download path for file bodies over plain HTTP: one {@code GET} on its own socket ({@code
 * Connection: close}), read in 1 MiB blocks. The JDK {@code HttpClient} moves bodies in 16 KiB
 * buffers handed between threads, which capped a loopback download at a few hundred MiB/s while the
 * service sends well over 1 GiB/s; every other call (and TLS) still uses the {@code HttpClient}.
 * Only what a file response needs is parsed: the status line, headers and a {@code Content-Length}
 * body (chunked bodies are refused as a protocol error).
 */
public final class RawHttpGet {
  private static final int MAX_HEAD = 64 * 1024;

  /** A response: status, lower-cased headers, and the body limited to its length. */
  public record Response(int status, Map<String, String> headers, InputStream body) {
    /**
     * A header.
     *
     * @param name any case
     * @return its value
     */
    public Optional<String> header(String name) {
      return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }

    /**
     * A numeric header.
     *
     * @param name any case
     * @return its value, if numeric
     */
    public OptionalLong longHeader(String name) {
      try {
        return header(name)
            .map(v -> OptionalLong.of(Long.parseLong(v.strip())))
            .orElse(OptionalLong.empty());
      } catch (NumberFormatException e) {
        return OptionalLong.empty();
      }
    }
  }

  private RawHttpGet() {}

  /**
   * Connects, sends the request and reads the response head. The returned body stream reads from
   * the socket; closing it closes the socket.
   *
   * @param uri an {@code http} URI
   * @param headers extra request headers
   * @param connectTimeoutMillis connect timeout
   * @param readTimeoutMillis socket read timeout
   * @return the response
   * @throws IOException if the connection or the response head fails
   */
  public static Response get(
      URI uri, Map<String, String> headers, int connectTimeoutMillis, int readTimeoutMillis)
      throws IOException {
    int port = uri.getPort() > 0 ? uri.getPort() : 80;
    Socket s = new Socket();
    try {
      s.setReceiveBufferSize(4 << 20);
      s.connect(new InetSocketAddress(uri.getHost(), port), connectTimeoutMillis);
      s.setSoTimeout(readTimeoutMillis);
      s.setTcpNoDelay(true);
      StringBuilder req = new StringBuilder(256);
      String target = uri.getRawPath() + (uri.getRawQuery() != null ? "?" + uri.getRawQuery() : "");
      req.append("GET ").append(target).append(" HTTP/1.1\r\n");
      req.append("Host: ").append(uri.getRawAuthority()).append("\r\n");
      req.append("User-Agent: ringrift-distributed\r\nConnection: close\r\n");
      headers.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
      req.append("\r\n");
      OutputStream out = s.getOutputStream();
      out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = new java.io.BufferedInputStream(s.getInputStream(), 8192);
      String head = readHead(in);
      String[] lines = head.split("\r\n");
      String[] status = lines[0].split(" ", 3);
      if (status.length < 2 || !status[0].startsWith("HTTP/1.")) {
        throw new IOException(
            "not an HTTP/1.x response from " + uri.getRawAuthority() + ": " + lines[0]);
      }
      int code;
      try {
        code = Integer.parseInt(status[1]);
      } catch (NumberFormatException e) {
        throw new IOException("bad status line from " + uri.getRawAuthority() + ": " + lines[0], e);
      }
      Map<String, String> h = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int c = lines[i].indexOf(':');
        if (c > 0) {
          h.put(
              lines[i].substring(0, c).strip().toLowerCase(Locale.ROOT),
              lines[i].substring(c + 1).strip());
        }
      }
      if (h.containsKey("transfer-encoding")
          && !"identity".equalsIgnoreCase(h.get("transfer-encoding"))) {
        throw new IOException(
            "chunked file body from " + uri.getRawAuthority() + " is not supported");
      }
      long len = -1;
      if (h.containsKey("content-length")) {
        try {
          len = Long.parseLong(h.get("content-length"));
        } catch (NumberFormatException e) {
          throw new IOException("bad Content-Length from " + uri.getRawAuthority(), e);
        }
      }
      return new Response(code, h, new Bounded(in, s, len));
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream(512);
    int state = 0;
    while (state < 4) {
      int c = in.read();
      if (c < 0) {
        throw new java.io.EOFException("connection closed inside the response head");
      }
      b.write(c);
      if (b.size() > MAX_HEAD) {
        throw new IOException("response head over " + MAX_HEAD + " bytes");
      }
      state =
          (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3))
              ? state + 1
              : c == '\r' ? 1 : 0;
    }
    return b.toString(StandardCharsets.ISO_8859_1);
  }

  /** The body: at most Content-Length bytes (or until close without one); closes the socket. */
  private static final class Bounded extends InputStream {
    private final InputStream in;
    private final Socket socket;
    private long left;

    Bounded(InputStream in, Socket socket, long length) {
      this.in = in;
      this.socket = socket;
      this.left = length < 0 ? Long.MAX_VALUE : length;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left == 0) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, left));
      if (n > 0) {
        left -= n;
      }
      return n;
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
