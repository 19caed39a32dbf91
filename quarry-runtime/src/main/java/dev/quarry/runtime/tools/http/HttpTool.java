package dev.quarry.runtime.tools.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.core.chat.ToolSpec;
import dev.quarry.runtime.tools.Tool;
import dev.quarry.runtime.tools.ToolOutput;
import java.net.URI;
import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * A tenant's tool served by its own HTTP endpoint: the validated arguments are POSTed as JSON to
 * {@code url} and the response body is the result, through the shared {@link HttpToolClient} and the
 * tenant's host allow-list.
 */
public final class HttpTool implements Tool {

  private final ToolSpec spec;
  private final URI url;
  private final Set<String> allowedHosts;
  private final HttpToolClient client;

  public HttpTool(ToolSpec spec, URI url, Set<String> allowedHosts, HttpToolClient client) {
    this.spec = Objects.requireNonNull(spec, "spec");
    this.url = Objects.requireNonNull(url, "url");
    this.allowedHosts = Set.copyOf(allowedHosts);
    this.client = Objects.requireNonNull(client, "client");
  }

  @Override
  public ToolSpec spec() {
    return spec;
  }

  @Override
  public ToolOutput call(JsonNode arguments, Instant deadline) {
    return ToolOutput.text(client.post(url, allowedHosts, arguments.toString(), deadline));
  }
}
