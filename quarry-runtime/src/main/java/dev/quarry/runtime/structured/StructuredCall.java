package dev.quarry.runtime.structured;

import dev.quarry.core.chat.ChatRequest;
import dev.quarry.core.chat.ChatResponse;
import dev.quarry.core.chat.TokenUsage;
import dev.quarry.core.error.InvalidModelOutputException;
import dev.quarry.llm.schema.JsonSchemas.Violation;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * A model call whose answer must satisfy a response format: the request goes out with the format
 * (providers that enforce schemas do so natively) and a JSON-only instruction, and the answer is
 * validated against the schema all the same. An invalid answer gets one repair attempt ({@link
 * RepairPrompt#repair}); if that is invalid too, the call fails with {@link
 * InvalidModelOutputException} carrying its violations. So the text of a {@link Result} is always
 * exactly one JSON value valid against the schema: callers pass it on as it is, and nothing else.
 */
public final class StructuredCall {

  /** At most this many model calls per answer: the first and one repair. */
  public static final int MAX_CALLS = 2;

  private StructuredCall() {}

  /**
   * A validated answer: its JSON text (surrounding whitespace removed), the last model response,
   * the usage of all calls together, and how many calls it took (1 or 2).
   */
  public record Result(String json, ChatResponse response, TokenUsage usage, int calls) {
    public Result {
      Objects.requireNonNull(json, "json");
      Objects.requireNonNull(response, "response");
      Objects.requireNonNull(usage, "usage");
    }
  }

  /**
   * Calls {@code model} (Quarry's name of it, for errors) through {@code call}, which does the
   * accounting of each call, for an answer to {@code request} that satisfies {@code schema}. The
   * request must not carry tools; its own response format is replaced by {@code schema}'s.
   */
  public static Result call(ChatRequest request, OutputSchema schema, String model,
      Function<ChatRequest, ChatResponse> call) {
    ChatRequest first = new ChatRequest(RepairPrompt.instructed(request.messages(), schema.format()),
        request.maxTokens(), request.temperature(), request.tools(), java.util.Optional.of(schema.format()),
        request.deadline(), request.toolChoice(), request.maxCost());
    ChatResponse r = call.apply(first);
    TokenUsage usage = r.usage();
    List<Violation> wrong = schema.validator().validate(r.text());
    if (wrong.isEmpty()) {
      return new Result(r.text().strip(), r, usage, 1);
    }
    ChatRequest repair = new ChatRequest(RepairPrompt.repair(first.messages(), r.text(), wrong, schema.format()),
        first.maxTokens(), first.temperature(), first.tools(), first.responseFormat(), first.deadline(),
        first.toolChoice(), first.maxCost());
    ChatResponse again = call.apply(repair);
    usage = usage.plus(again.usage());
    List<Violation> still = schema.validator().validate(again.text());
    if (still.isEmpty()) {
      return new Result(again.text().strip(), again, usage, 2);
    }
    throw new InvalidModelOutputException(model, "model '" + model + "' answered with JSON that does not satisfy "
        + "response_format '" + schema.format().name() + "', also after one repair attempt: "
        + String.join("; ", still.stream().limit(3).map(Violation::toString).toList())
        + (still.size() > 3 ? "; and " + (still.size() - 3) + " more" : ""),
        still.stream().map(v -> new InvalidModelOutputException.Violation(v.pointer(), v.message())).toList());
  }
}
