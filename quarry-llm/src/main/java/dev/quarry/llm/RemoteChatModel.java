package dev.quarry.llm;

import dev.quarry.core.chat.ChatModel;
import dev.quarry.core.chat.ChatModelInfo;
import dev.quarry.core.chat.ChatRequest;
import dev.quarry.core.chat.ChatResponse;
import dev.quarry.core.chat.ChatStream;
import dev.quarry.core.chat.ModelCapability;
import dev.quarry.core.error.ModelException;
import dev.quarry.llm.config.ProviderConfig;
import dev.quarry.llm.wire.ChatProtocol;
import dev.quarry.llm.wire.Generation;
import dev.quarry.llm.wire.SseReader;
import dev.quarry.llm.wire.UpstreamCall;
import dev.quarry.llm.wire.UpstreamFailures;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A {@link ChatModel} served by a remote provider over its wire protocol. The upstream is asked to
 * stream when the model has the {@code streaming} capability and the caller passed a stream other
 * than {@link ChatStream#IGNORE}; otherwise it answers whole and the text goes to the stream once.
 * Each call runs on the calling thread, ends by the request's deadline (waits are also bounded by
 * the provider's {@code timeout}), and closes its connection at once when it is interrupted or the
 * stream throws.
 */
public final class RemoteChatModel implements ChatModel {

  /** The largest whole answer read (a streamed one has no limit but its deadline). */
  static final int MAX_BODY_BYTES = 16 << 20;
  /** How long a finished stream's last bytes (the end of the chunked body) are waited for, to keep the connection. */
  static final Duration DRAIN_PATIENCE = Duration.ofMillis(50);

  private final ChatModelInfo info;
  private final ProviderConfig provider;
  private final ChatProtocol protocol;
  private final Optional<String> apiKey;
  private final HttpClient client;
  private final TokenCounter tokens;
  private final Clock clock;

  public RemoteChatModel(ChatModelInfo info, ProviderConfig provider, ChatProtocol protocol, Optional<String> apiKey,
      HttpClient client, TokenCounter tokens, Clock clock) {
    this.info = Objects.requireNonNull(info, "info");
    this.provider = Objects.requireNonNull(provider, "provider");
    this.protocol = Objects.requireNonNull(protocol, "protocol");
    this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
    this.client = Objects.requireNonNull(client, "client");
    this.tokens = Objects.requireNonNull(tokens, "tokens");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  @Override
  public ChatModelInfo info() {
    return info;
  }

  @Override
  public ChatResponse generate(ChatRequest request, ChatStream stream) {
    requireCapabilities(request);
    boolean streaming = stream != ChatStream.IGNORE && info.capabilities().contains(ModelCapability.STREAMING);
    HttpRequest.Builder http = HttpRequest.newBuilder(provider.resolve(protocol.path()))
        .header("Content-Type", "application/json")
        .header("Accept", streaming ? "text/event-stream" : "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(protocol.body(request, info.upstreamModel(), streaming)));
    protocol.headers(http, apiKey);
    Generation generation = new Generation(request.messages(), stream, tokens, clock);
    try (UpstreamCall call = UpstreamCall.open(client, http.build(), info.name(), request.deadline(), provider.timeout(), clock)) {
      if (call.status() / 100 != 2) {
        throw UpstreamFailures.forStatus(info.name(), call.status(), call.headers(), call.readBody(64 << 10), clock);
      }
      if (streaming) {
        ChatResponse response = protocol.readStream(info.name(), new SseReader(call), generation);
        call.drain(64 << 10, DRAIN_PATIENCE);
        return response.withModel(info.name());
      }
      return protocol.readWhole(info.name(), call.readBody(MAX_BODY_BYTES), generation).withModel(info.name());
    } catch (ModelException e) {
      throw generation.fail(e);
    }
  }

  private void requireCapabilities(ChatRequest request) {
    info.require(request.needs());
  }
}
