package dev.quarry.server.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.server.TestApi;
import dev.quarry.server.TestApi.Reply;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 7, items 4 and 24: an erasure in a realistic collection reaches {@code purged} within the
 * bound the docs state, and then no file of the data directory holds the erased document: not its
 * text (index segments, store, write-ahead log) nor its vector or the hash of its text (embedding
 * cache, index).
 */
class ErasurePurgeTest {

  /** Documents besides the erased one: it is one in two thousand, as one person in a corpus. */
  static final int DOCUMENTS = 2_000;
  /** The bound docs/architecture.md states from deleted to purged (there for 10,000 chunks). */
  static final Duration BOUND = Duration.ofMinutes(2);
  static final String MARKER = "qzxv7erasedsubjectmarker";
  /** bge-small-en-v1.5's dimension; a cache record is kind, SHA-256 of the text, floats, CRC. */
  static final int DIMENSION = 384;

  @Test
  void anErasedDocumentIsInNoFileOfTheDataDirectoryOncePurgedWithinTheStatedBound() throws Exception {
    try (TestApi api = TestApi.start()) {
      String key = api.tenantKey("acme", "ingest", "search");
      assertEquals(201, api.json("PUT", "/v1/collections/people", key, "{}").status());
      StringBuilder batch = new StringBuilder();
      String[] topics = {"blood pressure", "a sprained ankle", "seasonal allergies", "a routine check-up", "back pain"};
      for (int i = 0; i < DOCUMENTS; i++) {
        batch.append("{\"_id\":\"n").append(i).append("\",\"text\":\"Visit note ").append(i).append(": the patient came in about ")
            .append(topics[i % topics.length]).append(" and was seen by doctor ").append(i % 37)
            .append(".\",\"metadata\":{\"subject\":\"s").append(i).append("\"}}\n");
      }
      Reply job = api.call("POST", "/v1/collections/people/documents", key, "application/x-ndjson", batch.toString());
      assertEquals(202, job.status(), job.body().toString());
      JsonNode done = api.awaitBody("/v1/jobs/" + job.body().get("id").asText(), key,
          b -> !b.get("state").asText().equals("running"), Duration.ofMinutes(10));
      assertEquals(DOCUMENTS, done.get("counts").get("indexed").asInt(), done.toString());

      Path cache = cacheFileOf(api.dataDir(), "people");
      int before = (int) Files.size(cache);
      Reply alice = api.json("PUT", "/v1/collections/people/documents/alice", key,
          "{\"text\":\"Alice Example's note " + MARKER + ": she lives at 12 Elm Street.\",\"metadata\":{\"subject\":\"alice\"}}");
      assertTrue(alice.status() / 100 == 2, alice.body().toString());
      byte[] cached = Files.readAllBytes(cache);
      assertEquals(before + 1 + 32 + DIMENSION * 4 + 4, cached.length, "one chunk, one cache record");
      byte[] textHash = Arrays.copyOfRange(cached, before + 1, before + 33);
      byte[] vector = Arrays.copyOfRange(cached, before + 33, before + 33 + 64);
      byte[] marker = MARKER.getBytes(StandardCharsets.UTF_8);
      // the worst case: the collection compacted into one segment, which the purge must rewrite whole
      long generation = api.json("GET", "/v1/collections/people", key, null).body().get("generation").asLong();
      api.awaitBody("/v1/collections/people", key, b -> b.get("generation").asLong() > generation,
          Compaction.QUIET.plusMinutes(2));
      assertFalse(filesHolding(api.dataDir().resolve("collections"), marker).isEmpty(), "in the index");
      assertTrue(filesHolding(api.dataDir(), marker).stream().anyMatch(f -> f.startsWith("quarry.sqlite")), "in the store");

      Reply requested = api.json("POST", "/v1/erasures", key, "{\"key\":\"subject\",\"value\":\"alice\"}");
      assertEquals(202, requested.status(), requested.body().toString());
      assertEquals("pending", requested.body().get("places").get("embedding_cache").asText());
      JsonNode purged = api.awaitBody("/v1/erasures/" + requested.body().get("id").asText(), key,
          b -> b.get("status").asText().equals("purged"), BOUND.plusMinutes(1));
      assertEquals(1, purged.get("documents_deleted").asInt());
      assertEquals("{\"index\":\"purged\",\"embedding_cache\":\"purged\",\"store\":\"purged\"}", purged.get("places").toString());
      Duration took = Duration.between(Instant.parse(purged.get("deleted_at").asText()), Instant.parse(purged.get("purged_at").asText()));
      System.err.println("ErasurePurgeTest: deleted to purged in " + took.toMillis() + " ms on " + (DOCUMENTS + 1) + " documents");
      assertTrue(took.compareTo(BOUND) < 0, "deleted to purged took " + took);

      assertEquals(List.of(), filesHolding(api.dataDir(), marker), "the erased text");
      assertEquals(List.of(), filesHolding(api.dataDir(), textHash), "the hash of the erased text");
      assertEquals(List.of(), filesHolding(api.dataDir(), vector), "the erased vector");
      assertEquals(DOCUMENTS, api.json("GET", "/v1/collections/people", key, null).body().get("documents").asInt());
      assertEquals(List.of("n1234"), api.search(key, "people",
          "{\"query\":\"visit note 1234\",\"mode\":\"lexical\",\"k\":1}"));
    }
  }

  private static Path cacheFileOf(Path dataDir, String collection) throws IOException {
    try (Stream<Path> files = Files.walk(dataDir.resolve("cache"))) {
      List<Path> found = files.filter(p -> p.getParent().getFileName().toString().endsWith("--" + collection)
          && p.getFileName().toString().endsWith(".emb-v1")).toList();
      assertEquals(1, found.size(), "the collection's passage cache: " + found);
      return found.get(0);
    }
  }

  /** Files under {@code dir} (relative paths) whose bytes contain {@code needle}. */
  private static List<String> filesHolding(Path dir, byte[] needle) throws IOException {
    List<String> out = new ArrayList<>();
    for (Path file : regularFiles(dir)) {
      {
        byte[] bytes;
        try {
          bytes = Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException deletedMeanwhile) {
          continue;
        }
        for (int i = 0; i + needle.length <= bytes.length; i++) {
          if (Arrays.equals(bytes, i, i + needle.length, needle, 0, needle.length)) {
            out.add(dir.relativize(file).toString());
            break;
          }
        }
      }
    }
    return out;
  }

  /** The regular files under {@code dir}, walked again when the index deletes a file mid-walk. */
  private static List<Path> regularFiles(Path dir) throws IOException {
    for (int attempt = 1; ; attempt++) {
      try (Stream<Path> files = Files.walk(dir)) {
        return files.filter(Files::isRegularFile).toList();
      } catch (java.io.UncheckedIOException e) {
        if (!(e.getCause() instanceof java.nio.file.NoSuchFileException) || attempt == 10) {
          throw e;
        }
      }
    }
  }
}
