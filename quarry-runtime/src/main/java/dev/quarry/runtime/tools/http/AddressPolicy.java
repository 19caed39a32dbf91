package dev.quarry.runtime.tools.http;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * Which addresses a tenant's HTTP tool may reach. Unless the operator allows private addresses,
 * only public unicast ones: not loopback, link-local (cloud metadata at 169.254.169.254), private
 * (10/8, 172.16/12, 192.168/16, fc00::/7), carrier-grade NAT (100.64/10), "this network" (0/8),
 * the unspecified address, multicast or broadcast, nor an IPv4-mapped IPv6 form of any of them.
 */
public record AddressPolicy(boolean allowPrivate) {

  /** Why {@code address} is refused, or {@code null} when it may be reached. */
  public String refusal(InetAddress address) {
    if (allowPrivate || isPublic(address)) {
      return null;
    }
    return address.getHostAddress() + " is a loopback, link-local, private or otherwise non-public address";
  }

  static boolean isPublic(InetAddress address) {
    InetAddress a = unmapped(address);
    if (a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress() || a.isAnyLocalAddress()
        || a.isMulticastAddress()) {
      return false;
    }
    byte[] b = a.getAddress();
    if (a instanceof Inet4Address) {
      int first = b[0] & 0xff;
      int second = b[1] & 0xff;
      return first != 0 && first != 255 && !(first == 100 && second >= 64 && second < 128)
          && !(first == 192 && second == 0 && (b[2] & 0xff) == 0);
    }
    return (b[0] & 0xfe) != 0xfc;
  }

  /** The IPv4 address inside an IPv4-mapped ({@code ::ffff:a.b.c.d}) IPv6 address, else the address itself. */
  private static InetAddress unmapped(InetAddress a) {
    if (a instanceof Inet6Address) {
      byte[] b = a.getAddress();
      boolean mapped = true;
      for (int i = 0; i < 10; i++) {
        mapped &= b[i] == 0;
      }
      if (mapped && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
        try {
          return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
        } catch (java.net.UnknownHostException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return a;
  }
}
