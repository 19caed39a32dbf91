package dev.quarry.server.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.core.search.FusionMethod;
import dev.quarry.core.search.SearchMode;
import dev.quarry.server.error.ApiException;
import org.junit.jupiter.api.Test;

class ExperimentSpecTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static ExperimentSpec parse(String body) throws Exception {
    return ExperimentSpec.parse(JSON.readTree(body));
  }

  @Test
  void armsReadBackAsTheyWereWritten() throws Exception {
    ExperimentSpec spec = parse("{\"name\":\"n\",\"collection\":\"c\",\"kind\":\"interleave\",\"assign_by\":\"session\","
        + "\"arms\":[{\"name\":\"a\",\"weight\":2.5,\"configuration\":{\"mode\":\"lexical\",\"candidates\":40}},"
        + "{\"name\":\"b\",\"configuration\":{\"fusion\":\"rrf\",\"vector_weight\":0.7,"
        + "\"rerank\":{\"reranker\":\"e5-small-v2-q\",\"depth\":20,\"weight\":0.3}}}]}");
    assertEquals(ExperimentSpec.Kind.INTERLEAVE, spec.kind());
    assertEquals(ExperimentSpec.AssignBy.SESSION, spec.assignBy());
    assertEquals(SearchMode.LEXICAL, spec.arm("a").configuration().mode());
    assertEquals(40, spec.arm("a").configuration().candidates());
    assertEquals(2.5, spec.arm("a").weight());
    assertEquals(1.0, spec.arm("b").weight(), "weight defaults to 1");
    assertEquals(FusionMethod.RRF, spec.arm("b").configuration().fusion().method());
    JsonNode written = JSON.valueToTree(spec.armsView());
    assertEquals(spec.arms(), ExperimentSpec.arms(written), "stored arms read back to the same configurations");
  }

  @Test
  void defaultsAreAbByUser() throws Exception {
    ExperimentSpec spec = parse("{\"name\":\"n\",\"collection\":\"c\",\"arms\":[{\"name\":\"a\"},{\"name\":\"b\"}]}");
    assertEquals(ExperimentSpec.Kind.AB, spec.kind());
    assertEquals(ExperimentSpec.AssignBy.USER, spec.assignBy());
  }

  @Test
  void badFieldsAreNamed() {
    ApiException e = assertThrows(ApiException.class, () -> parse("{\"name\":\"n\",\"collection\":\"c\","
        + "\"arms\":[{\"name\":\"a\",\"weight\":-1},{\"name\":\"b\"}]}"));
    assertEquals("/arms/0/weight", e.problem().details().get("pointer"));
    assertThrows(ApiException.class, () -> parse("{\"collection\":\"c\",\"arms\":[{\"name\":\"a\"},{\"name\":\"b\"}]}"));
    assertThrows(ApiException.class, () -> parse("{\"name\":\"n\",\"collection\":\"c\",\"assign_by\":\"ip\","
        + "\"arms\":[{\"name\":\"a\"},{\"name\":\"b\"}]}"));
    assertThrows(ApiException.class, () -> parse("{\"name\":\"n\",\"collection\":\"c\",\"extra\":1,"
        + "\"arms\":[{\"name\":\"a\"},{\"name\":\"b\"}]}"));
  }

  @Test
  void anArmWithScoreCompletionReadsBackWithItAndRrfCompletionIsRefusedAtComplete() throws Exception {
    ExperimentSpec spec = parse("{\"name\":\"n\",\"collection\":\"c\",\"arms\":[{\"name\":\"a\"},"
        + "{\"name\":\"b\",\"configuration\":{\"fusion\":\"dbsf\",\"complete\":true}}]}");
    assertFalse(spec.arm("a").configuration().fusion().complete(), "completion is off by default");
    assertTrue(spec.arm("b").configuration().fusion().complete());
    assertEquals(spec.arms(), ExperimentSpec.arms(JSON.valueToTree(spec.armsView())), "completion is stored");
    ApiException e = assertThrows(ApiException.class, () -> parse("{\"name\":\"n\",\"collection\":\"c\","
        + "\"arms\":[{\"name\":\"a\"},{\"name\":\"b\",\"configuration\":{\"fusion\":\"rrf\",\"complete\":true}}]}"));
    assertEquals("/arms/1/configuration/complete", e.problem().details().get("pointer"));
  }
}
