package dev.quarry.server.api;

import dev.quarry.core.chat.ChatModelInfo;
import dev.quarry.llm.route.BreakerStatus;
import dev.quarry.llm.route.ModelRouter;
import dev.quarry.llm.route.RouteCandidate;
import dev.quarry.runtime.AnswerModels;
import dev.quarry.server.http.Access;
import dev.quarry.server.http.ApiDoc;
import dev.quarry.server.http.Response;
import dev.quarry.server.http.Router;
import dev.quarry.store.key.Scope;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * {@code GET /v1/models/status}: each configured model's circuit breaker and each route, read-only.
 * The breakers are the server's, shared by every tenant (a provider that fails fails for all), so
 * any key with the search scope may read them; nothing of another tenant is in them.
 */
public final class ModelStatusRoutes {

  static final String STATUS = "/v1/models/status";

  private final AnswerModels models;

  public ModelStatusRoutes(AnswerModels models) {
    this.models = models;
  }

  public void register(Router router) {
    router.route("GET", STATUS, Access.scope(Scope.SEARCH),
        ApiDoc.op("getModelStatus", "The configured models' circuit breakers and the routes over them")
            .responds(200, "`models`: each configured model (`name`, `provider`, `upstream_model`, `context_tokens`, "
                + "`capabilities`, `breaker`: `state` closed, open or half_open, `failure_rate` 0..1 over the "
                + "sliding window or null while it holds too few calls, `buffered_calls`, `failed_calls`, "
                + "`not_permitted_calls` since it last closed); `routes`: each route (`name`, `strategy`, `models`)"),
        (r, k) -> Response.ok(status()));
  }

  private Map<String, Object> status() {
    Map<String, BreakerStatus> breakers = models.breakers().stream()
        .collect(Collectors.toMap(BreakerStatus::model, Function.identity()));
    List<Map<String, Object>> out = new ArrayList<>();
    for (ChatModelInfo m : models.list()) {
      BreakerStatus b = breakers.get(m.name());
      if (b == null) {
        continue;
      }
      Map<String, Object> model = new LinkedHashMap<>();
      model.put("name", m.name());
      model.put("provider", m.provider());
      model.put("upstream_model", m.upstreamModel());
      model.put("context_tokens", m.contextTokens());
      model.put("capabilities", m.capabilities().stream().map(c -> c.name().toLowerCase(Locale.ROOT)).sorted().toList());
      Map<String, Object> breaker = new LinkedHashMap<>();
      breaker.put("state", b.state());
      breaker.put("failure_rate", b.failureRate() < 0 ? null : b.failureRate() / 100.0);
      breaker.put("buffered_calls", b.bufferedCalls());
      breaker.put("failed_calls", b.failedCalls());
      breaker.put("not_permitted_calls", b.notPermitted());
      model.put("breaker", breaker);
      out.add(model);
    }
    List<Map<String, Object>> routes = new ArrayList<>();
    for (ModelRouter r : models.routes()) {
      Map<String, Object> route = new LinkedHashMap<>();
      route.put("name", r.info().name());
      route.put("strategy", r.strategy().configName());
      route.put("models", r.models().stream().map(RouteCandidate::name).toList());
      routes.add(route);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("models", out);
    body.put("routes", routes);
    return body;
  }
}
