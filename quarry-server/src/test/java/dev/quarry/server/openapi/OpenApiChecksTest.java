package dev.quarry.server.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The checks the drift test relies on find what they are meant to find. */
class OpenApiChecksTest {

  static JsonNode doc(String json) throws Exception {
    return new ObjectMapper().readTree(json.replace('\'', '"'));
  }

  @Test
  void aSoundDocumentHasNoProblems() throws Exception {
    assertEquals(List.of(), OpenApiChecks.problems(doc("""
        {'openapi': '3.1.0', 'paths': {'/v1/c/{c}': {'get': {'operationId': 'g',
          'parameters': [{'$ref': '#/components/parameters/C'}],
          'responses': {'200': {'description': 'ok'}}}}},
         'components': {'parameters': {'C': {'name': 'c', 'in': 'path', 'required': true}}}}""")));
  }

  @Test
  void eachBreakageIsReported() throws Exception {
    List<String> problems = OpenApiChecks.problems(doc("""
        {'openapi': '3.0.3', 'paths': {
          '/v1/c/{c}': {'get': {'operationId': 'g', 'responses': {'200': {'description': 'ok'}}}},
          '/v1/d': {'post': {'operationId': 'g', 'parameters': [{'name': 'x', 'in': 'path', 'required': false}],
              'responses': {'200': {}, '400': {'$ref': '#/components/responses/Missing'}}}}}}"""));
    assertEquals(List.of(
        "openapi must be 3.1.0, got: \"3.0.3\"",
        "/paths/~1v1~1d/post/responses/400: $ref #/components/responses/Missing does not resolve",
        "GET /v1/c/{c}: path parameters declared [] but the path has [c]",
        "POST /v1/d: path parameter x must be required",
        "POST /v1/d: path parameters declared [x] but the path has []",
        "operationId g is used by both GET /v1/c/{c} and POST /v1/d",
        "POST /v1/d 200: a response needs a description"), problems);
  }

  @Test
  void redoclysRecommendedRulesFindWhatTheyAreMeantToFind() throws Exception {
    List<String> problems = OpenApiChecks.recommendedRules(doc("""
        {'openapi': '3.1.0', 'info': {'title': 't', 'version': '1', 'license': {'name': 'Some license'}},
         'servers': [{'url': 'https://api.example.com/'}],
         'paths': {
          '/v1/c/{c}': {'get': {'summary': 's', 'security': [{'bearer': []}], 'responses': {'200': {'description': 'ok'}}}},
          '/v1/c/{d}/': {'get': {'operationId': 'x', 'security': [], 'parameters': [{'name': 'q', 'in': 'query'},
              {'name': 'q', 'in': 'query'}], 'responses': {'400': {'description': 'bad'}}}}},
         'components': {'schemas': {'Unused': {'type': 'object'}}, 'securitySchemes': {'other': {'type': 'http'}}}}"""));
    assertEquals(List.of(
        "no-server-example.com: server url https://api.example.com/",
        "no-server-trailing-slash: server url https://api.example.com/",
        "info-license-strict: license must have a url or an identifier",
        "operation-operationId: GET /v1/c/{c}",
        "operation-4xx-response: GET /v1/c/{c}",
        "security-defined: GET /v1/c/{c} names scheme bearer, which is not in securitySchemes",
        "no-path-trailing-slash: /v1/c/{d}/",
        "operation-summary: GET /v1/c/{d}/",
        "operation-2xx-response: GET /v1/c/{d}/",
        "operation-parameters-unique: GET /v1/c/{d}/ declares q twice",
        "no-unused-components: #/components/schemas/Unused"), problems);
    assertEquals(List.of("no-empty-servers: servers must be present", "info-license: info must contain license",
        "security-defined: GET /a"), OpenApiChecks.recommendedRules(doc("""
        {'openapi': '3.1.0', 'info': {}, 'paths': {'/a': {'get': {'summary': 's', 'operationId': 'a',
          'responses': {'200': {'description': 'ok'}, '404': {'description': 'no'}}}}}}""")));
  }
}
