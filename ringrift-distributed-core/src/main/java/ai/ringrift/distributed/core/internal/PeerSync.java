package ai.ringrift.distributed.core.internal;

import ai.ringrift.distributed.core.SyncCategory;
import ai.ringrift.distributed.core.SyncException;
import ai.ringrift.distributed.core.SyncStats;
import ai.ringrift.distributed.transport.TransferListener;
import ai.ringrift.distributed.transport.http.DownloadResult;
import ai.ringrift.distributed.transport.http.FileManifest;
import ai.ringrift.distributed.transport.http.GamePullResult;
import ai.ringrift.distributed.transport.http.GameSink;
import ai.ringrift.distributed.transport.http.RemoteGamePull;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What moves between this node and one peer, as blocking steps run on the coordinator's executor:
 * pulling games after a cursor, choosing and downloading the newest files, and asking a peer to
 * pull what it lacks from this node.
 */
final class PeerSync {
  private static final Logger LOG = LoggerFactory.getLogger(PeerSync.class);

  /** Most games a peer is asked to pull from this node in one {@code POST /sync/games}. */
  private static final int PUSH_BATCH = 20_000;

  /** Files per {@code POST /sync/pull} request (the service accepts up to 1000). */
  private static final int PULL_REQUEST_FILES = 500;

  private final DefaultSyncCoordinator.Settings s;
  private final PeerCursors cursors;
  private final LocalManifest local = new LocalManifest();
  private final GameSink sink;

  PeerSync(DefaultSyncCoordinator.Settings s, PeerCursors cursors) {
    this.s = s;
    this.cursors = cursors;
    this.sink = GameSink.of(s.store());
  }

  PeerCursors cursors() {
    return cursors;
  }

  /** Pulls the peer's games after this node's cursor for it; saves the cursor after the import. */
  SyncStats pullGames(Peer p) {
    Instant start = s.clock().instant();
    String cursor = cursors.pull(p.name());
    GamePullResult r = Futures.await(p.client().pullGamesSince(cursor, sink));
    cursors.savePull(p.name(), r.cursor());
    LOG.debug("pulled {} games from {} (listed {})", r.imported(), p.name(), r.listed());
    return new SyncStats(
        SyncCategory.GAMES,
        r.imported(),
        r.bytesReceived(),
        Duration.between(start, s.clock().instant()),
        List.of());
  }

  /**
   * For each path some peer has in a version this node lacks: the peer with the newest such version
   * (latest mtime). A local copy newer than every differing peer copy is kept.
   */
  Map<Peer, List<FileManifest.Entry>> planDownloads(
      SyncCategory c, Map<Peer, FileManifest> manifests) {
    Map<String, LocalManifest.Entry> mine = local.list(Categories.root(c, s.paths()));
    Map<String, Peer> bestPeer = new LinkedHashMap<>();
    Map<String, FileManifest.Entry> best = new LinkedHashMap<>();
    manifests.entrySet().stream()
        .sorted(java.util.Map.Entry.comparingByKey(java.util.Comparator.comparing(Peer::name)))
        .forEach(
            me -> {
              for (FileManifest.Entry e : me.getValue().files()) {
                LocalManifest.Entry l = mine.get(e.path());
                if (l != null
                    && (l.sha256().equalsIgnoreCase(e.sha256())
                        || l.mtimeMillis() >= e.mtimeMillis())) {
                  continue;
                }
                FileManifest.Entry cur = best.get(e.path());
                if (cur == null || e.mtimeMillis() > cur.mtimeMillis()) {
                  best.put(e.path(), e);
                  bestPeer.put(e.path(), me.getKey());
                }
              }
            });
    Map<Peer, List<FileManifest.Entry>> plan = new LinkedHashMap<>();
    for (var e : best.entrySet()) {
      plan.computeIfAbsent(bestPeer.get(e.getKey()), k -> new ArrayList<>()).add(e.getValue());
    }
    return plan;
  }

  /** Downloads these files of the peer, verified and atomically, keeping the peer's mtime. */
  SyncStats download(SyncCategory c, Peer p, List<FileManifest.Entry> files) {
    Instant start = s.clock().instant();
    Path root = Categories.root(c, s.paths());
    long n = 0;
    long bytes = 0;
    for (FileManifest.Entry e : files) {
      Path dest = root.resolve(e.path()).normalize();
      if (!dest.startsWith(root)) {
        throw new SyncException(p.name() + " listed a path outside " + root + ": " + e.path());
      }
      DownloadResult r =
          Futures.await(
              p.client()
                  .downloadFile(
                      Categories.wireName(c),
                      e.path(),
                      dest,
                      e.sha256(),
                      s.cluster().sync().timeout(),
                      TransferListener.NONE));
      try {
        Files.setLastModifiedTime(dest, FileTime.fromMillis(e.mtimeMillis()));
      } catch (IOException ex) {
        LOG.debug("cannot set the mtime of {}: {}", dest, ex.getMessage());
      }
      if (!r.skipped()) {
        n++;
        bytes += r.bytesTransferred();
      }
    }
    return new SyncStats(c, n, bytes, Duration.between(start, s.clock().instant()), List.of());
  }

  /** Manifest, plan and download for one peer (used by recovery). */
  SyncStats pullFilesFrom(SyncCategory c, Peer p) {
    FileManifest m = Futures.await(p.client().getManifest(Categories.wireName(c)));
    List<FileManifest.Entry> files = planDownloads(c, Map.of(p, m)).getOrDefault(p, List.of());
    return download(c, p, files);
  }

  /** Asks the peer to pull from this node what it lacks of a category. */
  SyncStats push(SyncCategory c, Peer p) {
    return c == SyncCategory.GAMES ? pushGames(p) : pushFiles(c, p);
  }

  private SyncStats pushFiles(SyncCategory c, Peer p) {
    Instant start = s.clock().instant();
    String wire = Categories.wireName(c);
    Map<String, FileManifest.Entry> theirs = Futures.await(p.client().getManifest(wire)).byPath();
    List<String> send = new ArrayList<>();
    for (var e : local.list(Categories.root(c, s.paths())).entrySet()) {
      FileManifest.Entry t = theirs.get(e.getKey());
      if (t == null || !t.sha256().equalsIgnoreCase(e.getValue().sha256())) {
        send.add(e.getKey());
      }
    }
    long[] moved = requestPull(p, wire, send);
    return new SyncStats(
        c, moved[0], moved[1], Duration.between(start, s.clock().instant()), List.of());
  }

  /**
   * Has the peer pull this node's games ({@code POST /sync/games}): it lists them after its own
   * cursor for this node, fetches only the ones it lacks and advances that cursor once they are
   * imported. At most {@link #PUSH_BATCH} games per request, so each answer comes within the sync
   * timeout; requests repeat while a request fetched a whole batch.
   */
  private SyncStats pushGames(Peer p) {
    Instant start = s.clock().instant();
    long games = 0;
    long bytes = 0;
    while (true) {
      RemoteGamePull r =
          Futures.await(
              p.client()
                  .requestGamePull(
                      s.nodeName(),
                      s.advertiseHost(),
                      s.advertisePort(),
                      null,
                      0,
                      PUSH_BATCH,
                      s.cluster().sync().timeout()));
      games += r.gamesImported();
      bytes += r.bytes();
      if (r.gamesFetched() < PUSH_BATCH) {
        break;
      }
    }
    LOG.debug("{} pulled {} games from this node", p.name(), games);
    return new SyncStats(
        SyncCategory.GAMES, games, bytes, Duration.between(start, s.clock().instant()), List.of());
  }

  /** {@code POST /sync/pull} in batches; returns {files completed, bytes}; fails on any error. */
  private long[] requestPull(Peer p, String category, List<String> files) {
    long n = 0;
    long bytes = 0;
    for (int i = 0; i < files.size(); i += PULL_REQUEST_FILES) {
      List<String> batch = files.subList(i, Math.min(files.size(), i + PULL_REQUEST_FILES));
      Map<String, Object> r =
          Futures.await(
              p.client()
                  .requestPull(
                      s.nodeName(), s.advertiseHost(), s.advertisePort(), category, batch));
      n += r.get("files_completed") instanceof Number x ? x.longValue() : 0;
      bytes += r.get("bytes_transferred") instanceof Number x ? x.longValue() : 0;
      if (!Boolean.TRUE.equals(r.get("success"))) {
        throw new SyncException(
            p.name()
                + " could not pull "
                + category
                + " files from "
                + s.nodeName()
                + ": "
                + r.get("error"));
      }
    }
    return new long[] {n, bytes};
  }
}
