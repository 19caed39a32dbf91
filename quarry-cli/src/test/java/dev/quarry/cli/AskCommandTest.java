package dev.quarry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quarry.llm.testing.ScriptedOpenAiServer;
import dev.quarry.llm.testing.ScriptedReply;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code quarry ask} on a data directory: the extractive answer with numbered sources, or a model
 * configured in {@code --config} (a scripted OpenAI-compatible upstream on loopback).
 */
class AskCommandTest {

  @TempDir Path dir;

  private static final String CERTS = "Cluster certificates expire after one year. Rotate them with kubeadm certs renew "
      + "before they lapse.";

  private String run(String... args) {
    PrintStream out = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      assertEquals(0, Main.run(args), () -> "exit code of " + String.join(" ", args) + "; output: " + captured);
    } finally {
      System.setOut(out);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }

  @Test
  void printsTheAnswerWithNumberedSourcesQuotedFromTheDocuments() throws Exception {
    Path corpus = dir.resolve("docs.jsonl");
    Files.writeString(corpus, "{\"_id\": \"certs\", \"text\": \"" + CERTS + "\"}\n"
        + "{\"_id\": \"bread\", \"text\": \"Bake the loaf at 250 degrees for forty minutes.\"}\n");
    String data = dir.resolve("data").toString();
    run("ingest", corpus.toString(), "--collection", "docs", "--json", "--data-dir", data);

    String text = run("ask", "When do cluster certificates expire?", "--collection", "docs", "--data-dir", data);
    assertTrue(text.startsWith("Cluster certificates expire after one year. [1]"), text);
    assertTrue(text.contains("Sources:\n[1] docs/certs#0 (characters 0-43): Cluster certificates expire after one year."),
        text);

    JsonNode json = new ObjectMapper().readTree(run("ask", "When do cluster certificates expire?", "--collection",
        "docs", "--json", "--data-dir", data));
    JsonNode first = json.path("citations").get(0);
    assertEquals(first.path("quote").asText(), CERTS.substring(first.path("start").asInt(), first.path("end").asInt()));
    assertEquals("extractive", json.path("model").asText());
  }

  @Test
  void answersWithAModelOfTheConfigurationFileAndItsDataDirectory() throws Exception {
    Path corpus = dir.resolve("docs.jsonl");
    Files.writeString(corpus, "{\"_id\": \"certs\", \"text\": \"" + CERTS + "\"}\n");
    Path data = dir.resolve("configured-data");
    run("ingest", corpus.toString(), "--collection", "docs", "--json", "--data-dir", data.toString());
    try (ScriptedOpenAiServer upstream = ScriptedOpenAiServer.start()) {
      upstream.respondByDefault(ScriptedReply.text("They expire ", "after one year [1]."));
      Path config = dir.resolve("quarry.yaml");
      Files.writeString(config, """
          data_dir: %s
          llm:
            providers:
              - name: upstream
                kind: openai
                base_url: %s
            models:
              - name: small
                provider: upstream
                model: scripted-small
                context_tokens: 8192
            default_model: small
          """.formatted(data, upstream.baseUrl()));

      JsonNode json = new ObjectMapper().readTree(run("ask", "When do cluster certificates expire?", "--collection",
          "docs", "--json", "--config", config.toString()));
      assertEquals("small", json.path("model").asText(), json.toString());
      assertEquals("They expire after one year [1].", json.path("answer").asText());
      assertEquals("certs", json.path("citations").get(0).path("document_id").asText());
      assertEquals("scripted-small", upstream.lastRequest().json().path("model").asText());
      assertTrue(upstream.lastRequest().json().toString().contains(CERTS), "the passage is in the prompt");

      JsonNode extractive = new ObjectMapper().readTree(run("ask", "When do cluster certificates expire?",
          "--collection", "docs", "--json", "--config", config.toString(), "--model", "extractive"));
      assertEquals("extractive", extractive.path("model").asText());
      assertEquals(1, upstream.requests().size(), "--model extractive does not call the upstream");
    }
  }
}
