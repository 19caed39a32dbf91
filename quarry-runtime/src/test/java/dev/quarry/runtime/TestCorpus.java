package dev.quarry.runtime;

import dev.quarry.engine.Collection;
import dev.quarry.engine.EngineConfig;
import dev.quarry.engine.Quarry;
import dev.quarry.engine.ingest.ProgressListener;
import dev.quarry.runtime.retrieve.Source;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A real engine (bge model, Lucene on disk) with two small collections, and each document's text as ingested. */
final class TestCorpus implements AutoCloseable {

  static final Map<String, String> OPS = new LinkedHashMap<>();
  static final Map<String, String> KITCHEN = new LinkedHashMap<>();

  static {
    OPS.put("certs", "Cluster certificates expire after one year. Rotate them with kubeadm certs renew before they "
        + "lapse. The renewal restarts the control plane components.");
    OPS.put("certs-copy", "Cluster certificates expire after one year. Rotate them with kubeadm certs renew before "
        + "they lapse. The renewal restarts the control plane components.");
    OPS.put("scaling", "The horizontal pod autoscaler adds replicas when CPU load rises. It removes them again when "
        + "the load falls for five minutes.");
    OPS.put("budget", "The quarterly budget review moved to Thursday afternoon. Finance sends the agenda a day ahead.");
    KITCHEN.put("sourdough", "Feed the sourdough starter with flour and water every day. Bake the loaf at 250 degrees "
        + "for forty minutes. Let it cool before cutting.");
  }

  final Quarry quarry;

  private TestCorpus(Quarry quarry) {
    this.quarry = quarry;
  }

  static TestCorpus open(Path dir) {
    Quarry q = Quarry.open(EngineConfig.defaults(dir.resolve("data")));
    try {
      ingest(q, dir, "ops", OPS);
      ingest(q, dir, "kitchen", KITCHEN);
    } catch (IOException e) {
      q.close();
      throw new UncheckedIOException(e);
    }
    return new TestCorpus(q);
  }

  private static void ingest(Quarry q, Path dir, String name, Map<String, String> docs) throws IOException {
    StringBuilder jsonl = new StringBuilder();
    docs.forEach((id, text) -> jsonl.append("{\"_id\": \"").append(id).append("\", \"text\": \"").append(text)
        .append("\"}\n"));
    Path file = dir.resolve(name + ".jsonl");
    Files.writeString(file, jsonl);
    Collection c = q.openOrCreate(name, Optional.empty());
    c.ingest(q.files(file), ProgressListener.NONE);
  }

  Source source(String name) {
    return new Source(name, quarry.get(name));
  }

  static String text(String collection, String documentId) {
    return (collection.equals("ops") ? OPS : KITCHEN).get(documentId);
  }

  @Override
  public void close() {
    quarry.close();
  }
}
