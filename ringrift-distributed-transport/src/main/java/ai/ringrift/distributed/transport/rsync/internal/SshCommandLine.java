package ai.ringrift.distributed.transport.rsync.internal;

import ai.ringrift.distributed.transport.ssh.HostKeyPolicy;
import ai.ringrift.distributed.transport.ssh.internal.ProxyCommandBridge;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The OpenSSH command line rsync uses as its remote shell: exactly one key, no agent, batch mode,
 * strict (or accept-new) host key checking against one known_hosts file, no user ssh_config, and an
 * optional {@code ProxyCommand}. The service token goes into the environment, never the command
 * line.
 *
 * @param ssh the ssh binary
 * @param options the options, without the destination
 * @param environment variables to add to the process environment (may hold secrets: never log)
 */
public record SshCommandLine(String ssh, List<String> options, Map<String, String> environment) {

  /**
   * Builds the command line.
   *
   * @param settings the transport's settings
   * @param key the private key
   * @param port the SSH port
   * @param proxyCommand the expanded proxy command, or {@code null} for a direct connection
   * @param tokenId the tunnel service token id, if any
   * @param tokenSecret the tunnel service token secret, if any
   * @return the command line
   */
  public static SshCommandLine of(
      RsyncSettings settings,
      Path key,
      int port,
      @Nullable String proxyCommand,
      @Nullable String tokenId,
      @Nullable String tokenSecret) {
    List<String> o = new ArrayList<>();
    o.add("-F");
    o.add("/dev/null");
    o.add("-i");
    o.add(key.toString());
    for (String opt :
        List.of(
            "IdentitiesOnly=yes",
            "IdentityAgent=none",
            "BatchMode=yes",
            "PasswordAuthentication=no",
            "KbdInteractiveAuthentication=no",
            "StrictHostKeyChecking="
                + (settings.hostKeyPolicy() == HostKeyPolicy.ACCEPT_NEW ? "accept-new" : "yes"),
            "UserKnownHostsFile=" + settings.knownHosts(),
            "GlobalKnownHostsFile=/dev/null",
            "ConnectTimeout=" + Math.max(1, settings.connectTimeout().toSeconds()),
            "ServerAliveInterval=15",
            "ServerAliveCountMax=4",
            "LogLevel=ERROR")) {
      o.add("-o");
      o.add(opt);
    }
    if (proxyCommand != null) {
      o.add("-o");
      o.add("ProxyCommand=" + proxyCommand);
    }
    o.add("-p");
    o.add(Integer.toString(port));
    Map<String, String> env = new HashMap<>();
    if (tokenId != null) {
      env.put(ProxyCommandBridge.TOKEN_ID_ENV, tokenId);
    }
    if (tokenSecret != null) {
      env.put(ProxyCommandBridge.TOKEN_SECRET_ENV, tokenSecret);
    }
    return new SshCommandLine(settings.ssh(), List.copyOf(o), Map.copyOf(env));
  }

  /**
   * The command as one string for {@code rsync -e}: rsync splits it on spaces and honours single
   * and double quotes (not backslashes), so arguments with spaces are quoted.
   *
   * @return the remote shell command
   * @throws IllegalArgumentException if an argument holds both quote characters
   */
  public String rsh() {
    StringBuilder b = new StringBuilder(quote(ssh));
    for (String a : options) {
      b.append(' ').append(quote(a));
    }
    return b.toString();
  }

  /**
   * The command as an argument vector, followed by a destination and command.
   *
   * @param destination {@code user@host}
   * @param command the remote command
   * @return the argv
   */
  public List<String> argv(String destination, String command) {
    List<String> a = new ArrayList<>();
    a.add(ssh);
    a.addAll(options);
    a.add(destination);
    a.add(command);
    return a;
  }

  static String quote(String arg) {
    if (!arg.isEmpty() && arg.chars().noneMatch(c -> c == ' ' || c == '\'' || c == '"')) {
      return arg;
    }
    if (arg.indexOf('"') < 0) {
      return '"' + arg + '"';
    }
    if (arg.indexOf('\'') < 0) {
      return '\'' + arg + '\'';
    }
    throw new IllegalArgumentException(
        "an ssh argument for rsync -e cannot hold both ' and \": " + arg);
  }

  /**
   * Quotes a word for a POSIX shell (the remote login shell).
   *
   * @param s the word
   * @return {@code 's'} with embedded quotes escaped
   */
  public static String shellQuote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }

  @Override
  public String toString() {
    // The environment may hold the service token secret: never print it.
    return rsh() + (environment.isEmpty() ? "" : " (+ tunnel token in the environment)");
  }
}
