package dev.quarry.runtime.tools.http;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Name resolution, injectable so tests can play a DNS-rebinding attacker; {@link #SYSTEM} is the JDK's. */
@FunctionalInterface
public interface HostResolver {
  HostResolver SYSTEM = InetAddress::getAllByName;

  InetAddress[] resolve(String host) throws UnknownHostException;
}
