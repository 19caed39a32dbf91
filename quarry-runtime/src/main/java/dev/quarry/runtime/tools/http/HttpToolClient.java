package dev.quarry.runtime.tools.http;

import dev.quarry.runtime.tools.ToolException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.io.entity.StringEntity;
import org.apache.hc.core5.util.Timeout;

/**
 * POSTs a tool's arguments to a tenant's URL (Apache HttpClient 5), with SSRF defences: the URL must
 * be {@code http} or {@code https} with a host on the tenant's allow-list; the host is resolved and
 * every address checked by the {@link AddressPolicy} before the call, and again by the connection's
 * own resolver when it connects, which hands the client only the addresses it checked (so a DNS
 * answer that changes between the two, DNS rebinding, is refused too). Redirects are not followed.
 * The response body is read up to {@link HttpToolSettings#maxResponseBytes()}; more is an error.
 */
public final class HttpToolClient implements AutoCloseable {

  private final HttpToolSettings settings;
  private final AddressPolicy policy;
  private final HostResolver resolver;
  private final CloseableHttpClient client;

  public HttpToolClient(HttpToolSettings settings) {
    this(settings, HostResolver.SYSTEM);
  }

  public HttpToolClient(HttpToolSettings settings, HostResolver resolver) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.policy = new AddressPolicy(settings.allowPrivateAddresses());
    this.resolver = Objects.requireNonNull(resolver, "resolver");
    Timeout timeout = Timeout.of(settings.timeout());
    this.client = HttpClients.custom()
        .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
            .setDnsResolver(new CheckingResolver())
            .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(timeout).setSocketTimeout(timeout)
                .build())
            .setMaxConnTotal(64)
            .setMaxConnPerRoute(16)
            .build())
        .disableRedirectHandling()
        .disableAutomaticRetries()
        .disableCookieManagement()
        .build();
  }

  /** Whether {@code url}'s host is one of {@code allowedHosts} (exact, or {@code *.domain} for its subdomains). */
  public static boolean allowed(URI url, Set<String> allowedHosts) {
    String host = url.getHost() == null ? "" : url.getHost().toLowerCase(Locale.ROOT);
    for (String entry : allowedHosts) {
      String e = entry.toLowerCase(Locale.ROOT);
      if (e.equals(host) || (e.startsWith("*.") && host.endsWith(e.substring(1)))) {
        return true;
      }
    }
    return false;
  }

  /** The body of the POST of {@code json} to {@code url}, or a {@link ToolException} saying what was refused or failed. */
  public String post(URI url, Set<String> allowedHosts, String json, Instant deadline) {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new ToolException("the tool's URL must be http or https");
    }
    if (!allowed(url, allowedHosts)) {
      throw new ToolException("the host " + url.getHost() + " is not on the tenant's tool allow-list");
    }
    try {
      checked(url.getHost());
    } catch (UnknownHostException e) {
      throw new ToolException(e instanceof RefusedAddress ? e.getMessage() : "the host " + url.getHost()
          + " does not resolve");
    }
    Duration left = Duration.between(Instant.now(), deadline);
    if (left.isNegative() || left.isZero()) {
      throw new ToolException("no time was left to call the tool");
    }
    Timeout timeout = Timeout.of(left.compareTo(settings.timeout()) < 0 ? left : settings.timeout());
    HttpPost post = new HttpPost(url);
    post.setConfig(RequestConfig.custom().setResponseTimeout(timeout).setConnectionRequestTimeout(timeout).build());
    post.setEntity(new StringEntity(json, ContentType.APPLICATION_JSON));
    try {
      return client.execute(post, response -> {
        HttpEntity entity = response.getEntity();
        String body = entity == null ? "" : read(entity);
        if (response.getCode() / 100 != 2) {
          throw new ToolException("the tool answered HTTP " + response.getCode()
              + (body.isEmpty() ? "" : ": " + (body.length() > 500 ? body.substring(0, 500) : body)));
        }
        return body;
      });
    } catch (ToolException e) {
      throw e;
    } catch (RefusedAddress e) {
      throw new ToolException(e.getMessage());
    } catch (IOException e) {
      if (e.getCause() instanceof ToolException t) {
        throw t;
      }
      throw new ToolException("the tool's URL could not be called: " + e.getMessage());
    }
  }

  private String read(HttpEntity entity) throws IOException {
    try (InputStream in = entity.getContent()) {
      byte[] body = in.readNBytes(settings.maxResponseBytes() + 1);
      if (body.length > settings.maxResponseBytes()) {
        throw new ToolException("the tool's response is larger than " + settings.maxResponseBytes() + " bytes");
      }
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** Resolves {@code host} and checks every address; the checked addresses. */
  private InetAddress[] checked(String host) throws UnknownHostException {
    InetAddress[] addresses = resolver.resolve(host);
    if (addresses.length == 0) {
      throw new UnknownHostException(host);
    }
    for (InetAddress a : addresses) {
      String refusal = policy.refusal(a);
      if (refusal != null) {
        throw new RefusedAddress("the host " + host + " is refused: " + refusal
            + " (an operator may allow such addresses with tools.http.allow_private_addresses)");
      }
    }
    return Arrays.copyOf(addresses, addresses.length);
  }

  /** The connection's resolver: what it returns is what the client connects to, each address checked. */
  private final class CheckingResolver implements DnsResolver {
    @Override
    public InetAddress[] resolve(String host) throws UnknownHostException {
      return checked(host);
    }

    @Override
    public String resolveCanonicalHostname(String host) throws UnknownHostException {
      return checked(host)[0].getCanonicalHostName();
    }
  }

  /** An address refused at connect time; an IOException so the client gives up on the connection. */
  private static final class RefusedAddress extends UnknownHostException {
    private static final long serialVersionUID = 1L;

    RefusedAddress(String message) {
      super(message);
    }
  }

  @Override
  public void close() {
    client.close(org.apache.hc.core5.io.CloseMode.GRACEFUL);
  }
}
