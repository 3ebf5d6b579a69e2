package ai.ringrift.distributed.core.internal;

import ai.ringrift.distributed.core.SyncCategory;
import ai.ringrift.distributed.core.SyncException;
import ai.ringrift.distributed.core.SyncStats;
import ai.ringrift.distributed.storage.games.GameCursor;
import ai.ringrift.distributed.storage.games.GameFilter;
import ai.ringrift.distributed.storage.games.GamePage;
import ai.ringrift.distributed.storage.games.GameSummary;
import ai.ringrift.distributed.transport.TransferListener;
import ai.ringrift.distributed.transport.http.DownloadResult;
import ai.ringrift.distributed.transport.http.FileManifest;
import ai.ringrift.distributed.transport.http.GamePayload;
import ai.ringrift.distributed.transport.http.GamePullResult;
import ai.ringrift.distributed.transport.http.GameSink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What moves between this node and one peer, as blocking steps run on the coordinator's executor:
 * pulling games after a cursor, choosing and downloading the newest files, and asking a peer to
 * pull what it lacks from this node.
 */
final class PeerSync {
  private static final Logger LOG = LoggerFactory.getLogger(PeerSync.class);

  /** Games per exported database set pushed to a peer at once. */
  private static final int PUSH_BATCH = 20_000;

  /** Files per {@code POST /sync/pull} request (the service accepts up to 1000). */
  private static final int PULL_REQUEST_FILES = 500;

  private final DefaultSyncCoordinator.Settings s;
  private final PeerCursors cursors;
  private final LocalManifest local = new LocalManifest();
  private final GameSink sink;
  private final GameExporter exporter;

  /**
   * Game ids each peer listed to this node since its last push to it: the peer has them, so a push
   * leaves them out. Filled by pulls, emptied by the next push to that peer.
   */
  private final Map<String, Set<String>> listedBy = new ConcurrentHashMap<>();

  PeerSync(DefaultSyncCoordinator.Settings s, PeerCursors cursors) {
    this.s = s;
    this.cursors = cursors;
    this.sink = GameSink.of(s.store());
    this.exporter =
        new GameExporter(
            s.store(),
            s.paths().syncStaging().resolve("exports"),
            Categories.exchangeRoot(s.paths()));
  }

  PeerCursors cursors() {
    return cursors;
  }

  /** Pulls the peer's games after this node's cursor for it; saves the cursor after the import. */
  SyncStats pullGames(Peer p) {
    Instant start = s.clock().instant();
    String cursor = cursors.pull(p.name());
    Set<String> listed = listedBy.computeIfAbsent(p.name(), k -> ConcurrentHashMap.newKeySet());
    GameSink recording =
        new GameSink() {
          @Override
          public Set<String> missing(Collection<String> gameIds) {
            listed.addAll(gameIds);
            return sink.missing(gameIds);
          }

          @Override
          public int importGames(List<GamePayload> games, String sourceHost) {
            return sink.importGames(games, sourceHost);
          }
        };
    GamePullResult r = Futures.await(p.client().pullGamesSince(cursor, recording));
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
   * Exports the games this node indexed after its push cursor for the peer into fresh databases
   * under the games exchange root, has the peer pull them, then advances the cursor and deletes the
   * export. The peer's store indexes the received databases (deduplicating by game id).
   */
  private SyncStats pushGames(Peer p) {
    Instant start = s.clock().instant();
    long games = 0;
    long bytes = 0;
    Set<String> theirs = listedBy.getOrDefault(p.name(), Set.of());
    String saved = cursors.push(p.name());
    GameCursor from = saved.isEmpty() ? GameCursor.start() : GameCursor.parse(saved);
    while (true) {
      List<String> ids = new ArrayList<>();
      GameCursor next = from;
      boolean more = true;
      while (more && ids.size() < PUSH_BATCH) {
        GamePage page =
            Futures.await(
                s.store()
                    .idsAfter(next, Math.min(5000, PUSH_BATCH - ids.size()), GameFilter.all()));
        for (GameSummary g : page.games()) {
          if (!theirs.contains(g.gameId())) {
            ids.add(g.gameId());
          }
        }
        next = page.next();
        more = page.hasMore();
      }
      if (!ids.isEmpty()) {
        String name =
            PeerCursors.safe(s.nodeName())
                + "-to-"
                + PeerCursors.safe(p.name())
                + "-"
                + s.clock().millis()
                + "-"
                + Long.toHexString(System.nanoTime());
        GameExporter.Export ex = exporter.export(ids, name);
        try {
          long[] moved = requestPull(p, Categories.GAMES_EXCHANGE, ex.relativePaths());
          games += ex.games();
          bytes += moved[1];
        } finally {
          try {
            GameExporter.deleteTree(ex.dir());
          } catch (IOException e) {
            LOG.warn("cannot delete the game export {}: {}", ex.dir(), e.getMessage());
          }
        }
      }
      cursors.savePush(p.name(), next.toString());
      from = next;
      if (!more) {
        break;
      }
    }
    listedBy.remove(p.name());
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
