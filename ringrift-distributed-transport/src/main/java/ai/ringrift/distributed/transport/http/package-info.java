/**
 * The HTTP P2P transport: each node's service ({@link
 * ai.ringrift.distributed.transport.http.P2PServer}, port 8770) and its client ({@link
 * ai.ringrift.distributed.transport.http.P2PSyncClient}), plus {@link
 * ai.ringrift.distributed.transport.http.HttpTransport}, the file {@code Transport} built on them.
 *
 * <p>Games move as games: a peer lists the ids it holds after a cursor, the puller asks only for
 * the ids it lacks and receives them as a framed, gzip-compressed stream ({@code
 * docs/PROTOCOL.md}). Files move verified: every file response carries the SHA-256 of its content,
 * downloads resume from a partial file with {@code Range} and are installed atomically. Every
 * endpoint but {@code GET /health} requires the cluster token.
 *
 * <p>No Netty type appears in this API; the client uses the JDK's {@code java.net.http}.
 */
@NullMarked
package ai.ringrift.distributed.transport.http;

import org.jspecify.annotations.NullMarked;
