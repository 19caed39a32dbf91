package dev.quarry.eval.dataset;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads only the {@code _id} of each line of a BEIR corpus ({@code corpus.jsonl} or {@code
 * corpus.jsonl.gz}), skipping titles and texts without building them, so counting a large corpus
 * stays cheap; a line is parsed only as far as its {@code _id}, so damage after the id goes unnoticed
 * here (the ingestion parser reports it). Ingesting the corpus is the pipeline's job, not this module's.
 */
public final class CorpusIds {

  private static final JsonFactory JSON = new JsonFactory();

  private CorpusIds() {}

  /** Document ids in file order. */
  public static List<String> read(Path corpus) {
    List<String> ids = new ArrayList<>();
    TextLines.forEach(
        corpus,
        (number, line) -> {
          if (!line.isBlank()) {
            ids.add(idOf(corpus, number, line));
          }
        });
    return ids;
  }

  private static String idOf(Path corpus, int number, String line) {
    try (JsonParser p = JSON.createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw TextLines.malformed(corpus, number, "expected a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (field.equals("_id") && (value == JsonToken.VALUE_STRING || value == JsonToken.VALUE_NUMBER_INT)) {
          String id = p.getText();
          if (!id.isBlank()) {
            return id;
          }
        }
        p.skipChildren();
      }
      throw TextLines.malformed(corpus, number, "missing or blank string field '_id'");
    } catch (JsonProcessingException e) {
      throw TextLines.malformed(corpus, number, "not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new UncheckedIOException("reading a string cannot fail", e);
    }
  }
}
