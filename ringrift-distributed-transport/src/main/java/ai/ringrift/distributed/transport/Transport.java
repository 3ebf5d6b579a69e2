package ai.ringrift.distributed.transport;

import java.util.concurrent.CompletableFuture;

/**
 * Moves files between this node and one remote host. Implementations: HTTP P2P (the default), rsync
 * over SSH, aria2 (multi-source downloads from several peers' HTTP services).
 *
 * <h2>Contract for implementations</h2>
 *
 * <ul>
 *   <li><b>Threads.</b> Implementations are thread-safe. No method blocks the caller; the returned
 *       future is completed on a thread the transport owns (never a Netty event loop or SSH I/O
 *       thread), so dependent stages may block briefly without stalling I/O.
 *   <li><b>Failures.</b> Operational failures fail the future with a {@link TransportException}
 *       whose {@link TransportException#fault() fault} says whether the host, the request or the
 *       bytes were at fault; only a null or illegal argument is thrown directly.
 *   <li><b>Atomicity.</b> A destination file is never visible half-written: bytes go to a temporary
 *       or partial name in the destination directory and are renamed into place once complete (and
 *       verified when {@link TransferRequest#expectedSha256()} is given). Nothing is deleted at the
 *       destination unless {@link TransferRequest#deleteExtraneous()} is set.
 *   <li><b>Idempotence.</b> Repeating a request that succeeded transfers nothing new and succeeds;
 *       repeating one that failed resumes where it can (partial files are kept for that).
 *   <li><b>Cancellation.</b> Cancelling the future stops the work: the child process is killed, the
 *       HTTP exchange or SSH channel closed. The partial file stays for a later resume.
 * </ul>
 *
 * <p>This interface is young and may still change; it is not meant to be implemented outside the
 * library yet.
 */
public interface Transport extends AutoCloseable {
  /**
   * The transport's short name, as used in stats and errors: {@code http}, {@code rsync}, {@code
   * aria2}.
   *
   * @return the name
   */
  String name();

  /**
   * Copies {@link TransferRequest#localPath()} (a file or a directory tree) to {@link
   * TransferRequest#remotePath()} on {@code host}.
   *
   * @param host the destination host
   * @param request what to copy and how
   * @return the files and bytes moved
   */
  CompletableFuture<TransferResult> push(RemoteHost host, TransferRequest request);

  /**
   * Copies {@link TransferRequest#remotePath()} (a file or a directory tree) on {@code host} to
   * {@link TransferRequest#localPath()}.
   *
   * @param host the source host
   * @param request what to copy and how
   * @return the files and bytes moved
   */
  CompletableFuture<TransferResult> pull(RemoteHost host, TransferRequest request);

  /**
   * Checks that {@code host} is reachable by this transport. A host that cannot be reached
   * completes with an unreachable {@link ProbeResult}, not a failed future.
   *
   * @param host the host to probe
   * @return whether the host answered, and how fast
   */
  CompletableFuture<ProbeResult> probe(RemoteHost host);

  /**
   * Closes the transport: in-flight transfers are cancelled and fail as closed. Idempotent.
   *
   * @return a future completed once everything is released
   */
  CompletableFuture<Void> closeAsync();

  /** Closes the transport and waits for it; see {@link #closeAsync()}. Idempotent. */
  @Override
  void close();
}
