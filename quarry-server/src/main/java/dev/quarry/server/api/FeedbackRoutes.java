package dev.quarry.server.api;

import static dev.quarry.server.tenancy.TenantCollections.caller;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.core.error.NotFoundException;
import dev.quarry.experiment.Feedback;
import dev.quarry.server.error.ApiException;
import dev.quarry.server.experiment.Experiments;
import dev.quarry.server.http.Access;
import dev.quarry.server.http.ApiDoc;
import dev.quarry.server.http.Response;
import dev.quarry.server.http.Router;
import dev.quarry.store.experiment.FeedbackRecord;
import dev.quarry.store.experiment.ImpressionRecord;
import dev.quarry.store.key.Scope;
import dev.quarry.store.tenant.TenantId;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code POST /v1/feedback}: a click, rating or dwell time on a search response served under an
 * experiment, named by the response's {@code request_id}. Another tenant's request id is not found,
 * exactly as an unknown one.
 */
public final class FeedbackRoutes {

  /** Ratings are numbers in [0, {@value #MAX_RATING}] (1-5 stars, or 0 and 5 for thumbs down and up). */
  public static final double MAX_RATING = 5;

  /** Dwell times are whole milliseconds up to a day. */
  public static final long MAX_DWELL_MS = 86_400_000L;

  /** The body of {@code POST /v1/feedback}, for the API description (read as a tree). */
  record FeedbackBody(String requestId, Feedback.Event event, String docId, Double value) {}

  private final Experiments experiments;

  public FeedbackRoutes(Experiments experiments) {
    this.experiments = experiments;
  }

  public void register(Router router) {
    router.route("POST", "/v1/feedback", Access.scope(Scope.SEARCH),
        ApiDoc.op("sendFeedback", "Record a click, rating or dwell time on a search response of an experiment")
            .describe("`request_id`: the `request_id` of a search response of the caller's tenant that was enrolled in "
                + "an experiment (its body's `experiment.enrolled` is true). `event`: `click` (on `doc_id`), `rating` "
                + "(`value` in [0, 5]; `doc_id` optional: a rating of the whole response credits no arm of an "
                + "interleaved one) or `dwell` (`value` in whole milliseconds, at most a day, on `doc_id`). `doc_id` "
                + "must be one the response returned. Send `Idempotency-Key` to make a retried event count once.")
            .jsonBody(FeedbackBody.class, "request_id", "event")
            .responds(201, "The event: `id`, `request_id`, `experiment`, `arm` (the arm credited), `event`, `doc_id`, "
                + "`value`")
            .fails(404, "not_found: no enrolled response of the caller's tenant has that request id"),
        (r, k) -> Response.created(record(caller(k).tenant(), r.bodyTree())));
  }

  private Map<String, Object> record(TenantId tenant, JsonNode body) {
    if (body == null || !body.isObject()) {
      throw ApiException.invalidAt("", "expected an object with request_id and event");
    }
    Set<String> fields = Set.of("request_id", "event", "doc_id", "value");
    for (var f : body.properties()) {
      if (!fields.contains(f.getKey())) {
        throw ApiException.invalidAt("/" + f.getKey(), "unknown field; known: " + new TreeSet<>(fields));
      }
    }
    JsonNode id = body.get("request_id");
    if (id == null || !id.isTextual() || id.asText().isBlank() || id.asText().length() > 128) {
      throw ApiException.invalidAt("/request_id", "request_id must be a non-blank string of at most 128 characters");
    }
    Feedback.Event event = event(body.get("event"));
    Optional<String> docId = Optional.empty();
    if (body.hasNonNull("doc_id")) {
      if (!body.get("doc_id").isTextual() || body.get("doc_id").asText().isEmpty()) {
        throw ApiException.invalidAt("/doc_id", "doc_id must be a non-empty string");
      }
      docId = Optional.of(body.get("doc_id").asText());
    } else if (event != Feedback.Event.RATING) {
      throw ApiException.invalidAt("/doc_id", "a " + event.wireName() + " names the document: doc_id is required");
    }
    double value = value(event, body.get("value"));
    ImpressionRecord impression = experiments.store().findImpression(tenant, id.asText())
        .orElseThrow(() -> new NotFoundException("request '" + id.asText() + "' has no recorded response"));
    Map<String, Optional<String>> shown = Experiments.documents(impression);
    if (docId.isPresent() && !shown.containsKey(docId.get())) {
      throw ApiException.invalidAt("/doc_id", "document '" + docId.get() + "' was not among the "
          + shown.size() + " documents that response returned");
    }
    FeedbackRecord f = experiments.store().addFeedback(tenant, impression.requestId(), event.wireName(), docId, value);
    Optional<String> arm = impression.arm().or(() -> f.docId().flatMap(shown::get));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", f.id());
    out.put("request_id", f.requestId());
    out.put("experiment", f.experimentId());
    out.put("arm", arm.orElse(null));
    out.put("event", f.event());
    out.put("doc_id", f.docId().orElse(null));
    out.put("value", f.value());
    return out;
  }

  private static Feedback.Event event(JsonNode v) {
    List<String> allowed = Arrays.stream(Feedback.Event.values()).map(Feedback.Event::wireName).toList();
    if (v != null && v.isTextual() && allowed.contains(v.asText())) {
      return Feedback.Event.valueOf(v.asText().toUpperCase(Locale.ROOT));
    }
    throw ApiException.invalidAt("/event", "event must be one of " + allowed);
  }

  private static double value(Feedback.Event event, JsonNode v) {
    return switch (event) {
      case CLICK -> {
        if (v != null && !v.isNull()) {
          throw ApiException.invalidAt("/value", "a click has no value");
        }
        yield 1;
      }
      case RATING -> {
        if (v == null || !v.isNumber() || !(v.asDouble() >= 0 && v.asDouble() <= MAX_RATING)) {
          throw ApiException.invalidAt("/value", "a rating's value must be a number in [0, " + (int) MAX_RATING + "]");
        }
        yield v.asDouble();
      }
      case DWELL -> {
        if (v == null || !v.isIntegralNumber() || v.asLong() < 0 || v.asLong() > MAX_DWELL_MS) {
          throw ApiException.invalidAt("/value", "a dwell's value must be whole milliseconds in 0.." + MAX_DWELL_MS);
        }
        yield v.asLong();
      }
    };
  }
}
