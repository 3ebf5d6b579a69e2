/**
 * Cluster configuration: the hosts YAML ({@code distributed_hosts.yaml}, the same keys as the
 * Python cluster's) and environment variables, read into the same immutable builders the API
 * exposes. A bad value is reported with its file, line and key path, e.g. {@code
 * config/distributed_hosts.yaml:14:15: hosts.gpu-node-1.ssh_port: must be 1..65535, was 70000}.
 */
@NullMarked
package ai.ringrift.distributed.core.config;

import org.jspecify.annotations.NullMarked;
