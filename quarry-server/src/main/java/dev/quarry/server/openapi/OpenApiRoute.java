package dev.quarry.server.openapi;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.server.http.Access;
import dev.quarry.server.http.ApiDoc;
import dev.quarry.server.http.JsonCodec;
import dev.quarry.server.http.Response;
import dev.quarry.server.http.Router;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code GET /v1/openapi.json}: the OpenAPI description of every route of the router it is
 * registered on, open like the health probes. The document is generated on the first request (all
 * routes are declared by then) and kept.
 */
public final class OpenApiRoute {

  public static final String PATH = "/v1/openapi.json";

  private final Router router;
  private final JsonCodec json;
  private Map<String, Object> document;

  private OpenApiRoute(Router router, JsonCodec json) {
    this.router = router;
    this.json = json;
  }

  /** Declares the route on {@code router}; its document describes {@code router}'s routes. */
  public static void register(Router router, JsonCodec json) {
    OpenApiRoute route = new OpenApiRoute(router, json);
    router.route("GET", PATH, Access.open(),
        ApiDoc.op("getOpenApi", "This API's OpenAPI 3.1 description")
            .responds(200, "The OpenAPI document (without `request_id`)"),
        (r, k) -> Response.document(route.document()));
  }

  private synchronized Map<String, Object> document() {
    if (document == null) {
      ObjectNode doc = OpenApiDocument.generate(router.routes(), json);
      Map<String, Object> top = new LinkedHashMap<>();
      doc.properties().forEach(e -> top.put(e.getKey(), e.getValue()));
      document = top;
    }
    return document;
  }
}
