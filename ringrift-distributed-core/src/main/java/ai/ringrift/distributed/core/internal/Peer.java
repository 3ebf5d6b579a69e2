package ai.ringrift.distributed.core.internal;

import ai.ringrift.distributed.transport.RemoteHost;
import ai.ringrift.distributed.transport.http.P2PSyncClient;

/**
 * A peer as the coordinator talks to it: its configured name, how to reach it, and a client view.
 *
 * @param name the host name in the cluster configuration (its breaker's name)
 * @param host its addresses and P2P port
 * @param client a view of the coordinator's client bound to the peer's first address
 * @param coordinatorRole whether the configuration gives it the {@code coordinator} role
 */
record Peer(String name, RemoteHost host, P2PSyncClient client, boolean coordinatorRole) {}
