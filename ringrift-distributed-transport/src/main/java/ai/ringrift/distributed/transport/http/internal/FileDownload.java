package ai.ringrift.distributed.transport.http.internal;

import ai.ringrift.distributed.transport.TransferListener;
import ai.ringrift.distributed.transport.TransferProgress;
import ai.ringrift.distributed.transport.http.DownloadResult;
import ai.ringrift.distributed.transport.http.P2PException;
import ai.ringrift.distributed.transport.http.P2PException.Kind;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One download attempt (not {@code AtomicFiles.install}: that deletes its temporary file on
 * failure, and a download keeps its partial file to resume from): learn size and SHA-256 ({@code
 * HEAD}), skip if the destination already matches, resume a partial file with {@code Range}/{@code
 * If-Range}, hash while writing, verify size and SHA-256, fsync, rename atomically into place,
 * fsync the directory. The partial file is named after the content it is for ({@code .NAME.<sha
 * prefix>.partial}), so a partial of another version is never appended to. Blocking; runs on the
 * client's executor.
 */
public final class FileDownload {
  private static final Logger LOG = LoggerFactory.getLogger(FileDownload.class);

  private FileDownload() {}

  /**
   * Runs one attempt.
   *
   * @param ctx the attempt context
   * @param uri the file's URI
   * @param dest the destination
   * @param expectedSha256 the SHA-256 the caller requires, or {@code null}
   * @param listener progress
   * @return the result
   * @throws Exception a failure (mapped by the caller)
   */
  public static DownloadResult run(
      ClientCore.AttemptContext ctx,
      URI uri,
      Path dest,
      @Nullable String expectedSha256,
      TransferListener listener)
      throws Exception {
    long t0 = System.nanoTime();
    String host = ctx.host();
    HttpResponse<WatchedStream> head =
        ctx.send(
            ctx.request(uri).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
            "HEAD " + uri.getPath());
    head.body().close();
    OptionalLong len = head.headers().firstValueAsLong("Content-Length");
    Optional<String> shaHeader = head.headers().firstValue("X-Checksum").map(String::strip);
    if (len.isEmpty()) {
      throw P2PException.of(
          "HEAD " + uri + " on " + host + " gave no Content-Length",
          host,
          Kind.PROTOCOL,
          200,
          null);
    }
    long size = len.getAsLong();
    String sha = shaHeader.orElse(null);
    if (expectedSha256 != null && sha != null && !expectedSha256.equalsIgnoreCase(sha)) {
      throw P2PException.of(
          uri.getPath()
              + " on "
              + host
              + " has SHA-256 "
              + sha
              + ", not the expected "
              + expectedSha256,
          host,
          Kind.CHECKSUM_MISMATCH,
          200,
          null);
    }
    String want = expectedSha256 != null ? expectedSha256.toLowerCase(java.util.Locale.ROOT) : sha;
    Path dir = dest.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    if (want != null
        && Files.isRegularFile(dest)
        && Files.size(dest) == size
        && Sha256.ofFile(dest, size).equals(want)) {
      return new DownloadResult(
          dest, size, want, 0, 0, true, Duration.ofNanos(System.nanoTime() - t0));
    }
    String name = dest.getFileName().toString();
    Path partial =
        dir.resolve(
            "." + name + "." + (want != null ? want.substring(0, 16) : "unverified") + ".partial");
    MessageDigest digest = Sha256.newDigest();
    long offset = 0;
    if (want != null && Files.isRegularFile(partial)) {
      offset = Math.min(Files.size(partial), size);
      Sha256.update(partial, offset, digest);
    }
    long resumedFrom = offset;
    Map<String, String> rangeHeaders = new LinkedHashMap<>();
    if (offset > 0) {
      rangeHeaders.put("Range", "bytes=" + offset + "-");
      rangeHeaders.put("If-Range", "\"" + want + "\"");
    }
    long received = 0;
    if (offset < size || size == 0) {
      RawHttpGet.Response res;
      if ("http".equals(uri.getScheme())) {
        res = ctx.rawGet(uri, rangeHeaders, "GET " + uri.getPath(), 416);
      } else {
        HttpRequest.Builder get = ctx.request(uri).GET();
        rangeHeaders.forEach(get::header);
        HttpResponse<WatchedStream> r = ctx.send(get.build(), "GET " + uri.getPath(), 416);
        Map<String, String> h = new LinkedHashMap<>();
        r.headers()
            .map()
            .forEach(
                (k, v) -> h.put(k.toLowerCase(java.util.Locale.ROOT), v.isEmpty() ? "" : v.get(0)));
        res = new RawHttpGet.Response(r.statusCode(), h, r.body());
      }
      try (InputStream in = res.body();
          FileChannel out =
              FileChannel.open(partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        int code = res.status();
        if (code == 416) {
          Files.deleteIfExists(partial);
          throw P2PException.of(
              "GET " + uri.getPath() + " on " + host + ": stale partial file, starting over",
              host,
              Kind.PROTOCOL,
              416,
              null);
        }
        String etag = res.header("ETag").orElse(null);
        if (want != null
            && etag != null
            && !etag.strip().equals("\"" + want + "\"")
            && expectedSha256 == null) {
          throw P2PException.of(
              uri.getPath() + " on " + host + " changed while downloading",
              host,
              Kind.PROTOCOL,
              code,
              null);
        }
        if (code == 200) {
          offset = 0;
          resumedFrom = 0;
          digest.reset();
          out.truncate(0);
        } else if (code == 206) {
          String cr = res.header("Content-Range").orElse("");
          if (!cr.startsWith("bytes " + offset + "-")) {
            throw P2PException.of(
                "GET " + uri.getPath() + " on " + host + ": unexpected Content-Range '" + cr + "'",
                host,
                Kind.PROTOCOL,
                code,
                null);
          }
          out.truncate(offset);
        }
        out.position(offset);
        long done = offset;
        long lastReport = 0;
        try (PipelinedDigest hashing = new PipelinedDigest(digest, 4, 1 << 20)) {
          while (true) {
            byte[] buf = hashing.take();
            int n = in.read(buf);
            if (n < 0) {
              hashing.giveBack(buf);
              break;
            }
            if (done + n > size) {
              throw P2PException.of(
                  uri.getPath() + " on " + host + " sent more than its " + size + " bytes",
                  host,
                  Kind.CHECKSUM_MISMATCH,
                  code,
                  null);
            }
            ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
            while (bb.hasRemaining()) {
              out.write(bb);
            }
            hashing.submit(buf, n);
            done += n;
            received += n;
            if (lastReport == 0 || done - lastReport >= (4 << 20) || done == size) {
              lastReport = done;
              report(listener, name, done, size);
            }
          }
          hashing.finish();
        }
        if (done != size) {
          throw new java.io.EOFException(
              uri.getPath() + " on " + host + " ended at byte " + done + " of " + size);
        }
        out.force(true);
      }
    }
    String got = Sha256.hex(digest);
    if (want != null && !got.equals(want)) {
      Files.deleteIfExists(partial);
      throw P2PException.of(
          uri.getPath()
              + " from "
              + host
              + ": SHA-256 "
              + got
              + " does not match "
              + want
              + "; partial file discarded",
          host,
          Kind.CHECKSUM_MISMATCH,
          200,
          null);
    }
    if (want == null) {
      LOG.debug("{} from {} has no checksum header: installed unverified", uri.getPath(), host);
    }
    install(partial, dest);
    return new DownloadResult(
        dest, size, got, received, resumedFrom, false, Duration.ofNanos(System.nanoTime() - t0));
  }

  /** fsync'd rename into place, then the directory fsync'd. */
  static void install(Path partial, Path dest) throws IOException {
    try (FileChannel fc = FileChannel.open(partial, StandardOpenOption.WRITE)) {
      fc.force(true);
    }
    try {
      // rw-r--r--: the Python cluster shipped unreadable 0600 files.
      Files.setPosixFilePermissions(
          partial, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system
    }
    try {
      Files.move(
          partial, dest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(partial, dest, StandardCopyOption.REPLACE_EXISTING);
    }
    try (FileChannel d =
        FileChannel.open(dest.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // Some file systems cannot fsync a directory; the rename itself is done.
    }
  }

  private static void report(TransferListener l, String file, long done, long total) {
    try {
      l.onProgress(new TransferProgress(file, done, total, -1));
    } catch (RuntimeException e) {
      LOG.debug("a transfer listener threw; ignored", e);
    }
  }
}
