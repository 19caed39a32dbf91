package dev.quarry.llm.wire;

import dev.quarry.core.chat.ChatRequest;
import dev.quarry.core.chat.ChatResponse;
import java.net.http.HttpRequest;
import java.util.Optional;

/**
 * One provider's chat wire protocol: where a call goes, how it is authorised, the request body,
 * and how an answer (whole or streamed) is read into a {@link Generation}. Stateless; a
 * {@link dev.quarry.llm.RemoteChatModel} runs the exchange.
 */
public interface ChatProtocol {

  /** The path after the provider's base URL, e.g. {@code /chat/completions}. */
  String path();

  /** Adds the protocol's headers: authorisation with {@code apiKey} when there is one, version headers. */
  void headers(HttpRequest.Builder request, Optional<String> apiKey);

  /** The JSON request body for {@code upstreamModel}; {@code stream} asks for server-sent events. */
  String body(ChatRequest request, String upstreamModel, boolean stream);

  /**
   * Reads a whole (non-streamed) JSON answer, handing its text to the generation in one piece;
   * {@code model} is Quarry's name of the model, for errors.
   */
  ChatResponse readWhole(String model, String json, Generation generation);

  /** Reads a streamed answer to its end marker, passing text to the generation as it comes. */
  ChatResponse readStream(String model, SseReader events, Generation generation);
}
