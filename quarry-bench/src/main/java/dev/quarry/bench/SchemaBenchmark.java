package dev.quarry.bench;

import dev.quarry.llm.schema.JsonSchemas;
import java.util.List;
import java.util.Locale;

/**
 * What structured outputs cost Quarry per request, model time aside: compiling a response format's
 * schema (the meta-schema check included, once per request) and validating an answer against it
 * (once or twice per request), for a small schema and a larger one (nested objects, arrays,
 * {@code $defs}, enums, patterns), on answers that are valid and invalid. Single thread, after a
 * warm-up of the same size.
 */
final class SchemaBenchmark {

  static final String SMALL = """
      {"type":"object","properties":{"answer":{"type":"string","minLength":1},
       "confidence":{"type":"number","minimum":0,"maximum":1}},
       "required":["answer","confidence"],"additionalProperties":false}""";
  static final String SMALL_VALID = "{\"answer\":\"They expire after one year [1].\",\"confidence\":0.9}";
  static final String SMALL_INVALID = "{\"answer\":\"\",\"confidence\":7,\"extra\":true}";

  static final String LARGE = """
      {"type":"object","$defs":{
         "person":{"type":"object","properties":{"name":{"type":"string","minLength":1},
           "email":{"type":"string","pattern":"^[^@\\\\s]+@[^@\\\\s]+$"},"role":{"enum":["owner","reader","writer"]}},
           "required":["name","role"],"additionalProperties":false},
         "step":{"type":"object","properties":{"title":{"type":"string"},"minutes":{"type":"integer","minimum":0},
           "owner":{"$ref":"#/$defs/person"},"citations":{"type":"array","items":{"type":"integer","minimum":1}}},
           "required":["title","minutes"],"additionalProperties":false}},
       "properties":{"summary":{"type":"string","maxLength":2000},"risk":{"enum":["low","medium","high"]},
         "steps":{"type":"array","items":{"$ref":"#/$defs/step"},"minItems":1,"maxItems":50},
         "people":{"type":"array","items":{"$ref":"#/$defs/person"}},
         "tags":{"type":"array","items":{"type":"string"},"uniqueItems":true}},
       "required":["summary","risk","steps"],"additionalProperties":false}""";

  private SchemaBenchmark() {}

  static String largeAnswer(boolean valid) {
    StringBuilder steps = new StringBuilder();
    for (int i = 0; i < 20; i++) {
      steps.append(i == 0 ? "" : ",").append("{\"title\":\"Step ").append(i).append(" [").append(i % 5 + 1)
          .append("]\",\"minutes\":").append(valid || i % 7 != 3 ? i * 5 : -1)
          .append(",\"owner\":{\"name\":\"Ada\",\"email\":\"ada@example.com\",\"role\":\"")
          .append(valid || i % 9 != 4 ? "owner" : "boss").append("\"},\"citations\":[1,2,3]}");
    }
    return "{\"summary\":\"Rotate the certificates before they lapse [1].\",\"risk\":\"medium\",\"steps\":[" + steps
        + "],\"people\":[{\"name\":\"Ada\",\"role\":\"reader\"}],\"tags\":[\"ops\",\"pki\"]}";
  }

  static void run() {
    int compiles = 2_000;
    int validations = 20_000;
    System.out.println(Machine.describe());
    for (String[] c : List.of(new String[] {"small", SMALL, SMALL_VALID, SMALL_INVALID},
        new String[] {"large", LARGE, largeAnswer(true), largeAnswer(false)})) {
      JsonSchemas.Compiled schema = JsonSchemas.compile(c[1]);
      if (!schema.validate(c[2]).isEmpty() || schema.validate(c[3]).isEmpty()) {
        throw new IllegalStateException("the " + c[0] + " answers are not as meant: " + schema.validate(c[2]));
      }
      measure(compiles, () -> JsonSchemas.compile(c[1]));
      Percentiles compile = measure(compiles, () -> JsonSchemas.compile(c[1]));
      measure(validations, () -> schema.validate(c[2]));
      Percentiles valid = measure(validations, () -> schema.validate(c[2]));
      measure(validations, () -> schema.validate(c[3]));
      Percentiles invalid = measure(validations, () -> schema.validate(c[3]));
      System.out.printf(Locale.ROOT, "schema %s (%d chars), answer %d chars:%n  compile          %s%n"
          + "  validate valid   %s%n  validate invalid %s (%d violations)%n", c[0], c[1].length(), c[2].length(),
          compile, valid, invalid, schema.validate(c[3]).size());
    }
    System.out.println(Machine.describe());
  }

  private static Percentiles measure(int n, Runnable work) {
    long[] nanos = new long[n];
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      work.run();
      nanos[i] = System.nanoTime() - t0;
    }
    return new Percentiles(nanos);
  }
}
