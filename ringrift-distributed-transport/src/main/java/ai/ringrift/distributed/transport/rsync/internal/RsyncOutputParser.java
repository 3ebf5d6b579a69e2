package ai.ringrift.distributed.transport.rsync.internal;

import ai.ringrift.distributed.transport.TransferListener;
import ai.ringrift.distributed.transport.TransferProgress;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns rsync's stdout ({@code --progress --out-format=FILE_MARKER%n --stats}) into progress events
 * and stats. Fed one line at a time, where both {@code \r} and {@code \n} end a line. Not
 * thread-safe: one reader thread feeds it.
 */
public final class RsyncOutputParser {
  private static final Logger LOG = LoggerFactory.getLogger(RsyncOutputParser.class);

  /** Prefix of the per-file line, set with {@code --out-format}. */
  public static final String FILE_MARKER = "RRFILE ";

  private static final Pattern PROGRESS =
      Pattern.compile("^\\s*([\\d,]+)\\s+(\\d{1,3})%\\s+([\\d.,]+)([kMGT]?B)/s\\s.*");
  private static final Pattern STAT = Pattern.compile("^([A-Z][A-Za-z ]+): ([\\d,]+)( bytes)?.*");

  private final TransferListener listener;
  private String currentFile = "";
  private long filesTransferred;
  private long transferredFileSize;
  private long literal;
  private long matched;
  private long sent;
  private long received;
  private boolean statsSeen;

  /**
   * Creates a parser.
   *
   * @param listener receives progress; its exceptions are logged and ignored
   */
  public RsyncOutputParser(TransferListener listener) {
    this.listener = listener;
  }

  /**
   * Consumes one line.
   *
   * @param line a line without its terminator
   */
  public void line(String line) {
    if (line.startsWith(FILE_MARKER)) {
      currentFile = line.substring(FILE_MARKER.length());
      return;
    }
    Matcher p = PROGRESS.matcher(line);
    if (p.matches()) {
      long bytes = number(p.group(1));
      int pct = Integer.parseInt(p.group(2));
      long total = pct == 100 ? bytes : pct > 0 ? bytes * 100 / pct : -1;
      long rate = rate(p.group(3), p.group(4));
      try {
        listener.onProgress(new TransferProgress(currentFile, bytes, total, rate));
      } catch (RuntimeException e) {
        LOG.warn("progress listener threw; ignored: {}", e.toString());
      }
      return;
    }
    Matcher s = STAT.matcher(line);
    if (s.matches()) {
      long v = number(s.group(2));
      switch (s.group(1)) {
        case "Number of regular files transferred" -> {
          filesTransferred = v;
          statsSeen = true;
        }
        case "Total transferred file size" -> transferredFileSize = v;
        case "Literal data" -> literal = v;
        case "Matched data" -> matched = v;
        case "Total bytes sent" -> sent = v;
        case "Total bytes received" -> received = v;
        default -> {
          // other stats are not reported
        }
      }
    }
  }

  private static long number(String s) {
    return Long.parseLong(s.replace(",", ""));
  }

  private static long rate(String number, String unit) {
    double v;
    try {
      v = Double.parseDouble(number.replace(",", ""));
    } catch (NumberFormatException e) {
      return -1;
    }
    double m =
        switch (unit.toUpperCase(Locale.ROOT)) {
          case "KB" -> 1024;
          case "MB" -> 1024 * 1024;
          case "GB" -> 1024.0 * 1024 * 1024;
          case "TB" -> 1024.0 * 1024 * 1024 * 1024;
          default -> 1;
        };
    return (long) (v * m);
  }

  /**
   * @return whether the {@code --stats} block was seen
   */
  public boolean statsSeen() {
    return statsSeen;
  }

  /**
   * @return regular files transferred
   */
  public long filesTransferred() {
    return filesTransferred;
  }

  /**
   * @return total transferred file size
   */
  public long transferredFileSize() {
    return transferredFileSize;
  }

  /**
   * @return literal data bytes
   */
  public long literalBytes() {
    return literal;
  }

  /**
   * @return matched data bytes
   */
  public long matchedBytes() {
    return matched;
  }

  /**
   * @return total bytes sent
   */
  public long bytesSent() {
    return sent;
  }

  /**
   * @return total bytes received
   */
  public long bytesReceived() {
    return received;
  }
}
