package dev.quarry.search.fusion;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.quarry.core.document.Metadata;
import dev.quarry.core.index.StoredChunk;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Learned fusion's text features on hand-made chunks, value by value. */
class TextFeaturesTest {

  static StoredChunk chunk(String id, String title, String text) {
    return new StoredChunk(id, id, 0, title, text, 0, text.length(), 0, List.of(), Metadata.empty());
  }

  @Test
  void contentTermsAreTheLexicalIndexsEnglishStemsWithoutStopWords() {
    assertEquals(Set.of("heron", "hunt", "fish", "marsh"), TextFeatures.terms("Herons hunting fish in the marshes"));
    assertEquals(Set.of("heron", "nest"), TextFeatures.terms("The heron's nests"));
    assertEquals(Set.of(), TextFeatures.terms("of the and"));
  }

  @Test
  void matchIsTheShareOfTheQuerysContentTermsFound() {
    Set<String> q = TextFeatures.terms("Herons hunting fish in the marshes");
    assertEquals(0.25, TextFeatures.match(q, "Tidal marshes"));
    assertEquals(0.5, TextFeatures.match(q, "Herons and egrets wade in tidal marshes at dawn."));
    assertEquals(1.0, TextFeatures.match(q, "A heron hunts; fish hide in the marsh."));
    assertEquals(0.0, TextFeatures.match(q, ""));
    assertEquals(0.0, TextFeatures.match(Set.of(), "Herons"), "a query of stop words matches nothing");
  }

  @Test
  void lengthIsALogOfTheWordCountCappedAt512Words() {
    assertEquals(0.0, TextFeatures.length("  \n "));
    assertEquals(Math.log(10) / Math.log(513), TextFeatures.length("Herons and egrets wade in tidal marshes at  dawn."), 1e-15);
    assertEquals(1.0, TextFeatures.length("word ".repeat(512)), 1e-15);
    assertEquals(1.0, TextFeatures.length("word ".repeat(2000)));
  }

  @Test
  void candidatesGetTheirChunksTextFeaturesAfterTheListFeatures() {
    CandidateTexts texts = new CandidateTexts("Herons hunting fish in the marshes", Map.of(
        "a", chunk("a", "Tidal marshes", "Herons and egrets wade in tidal marshes at dawn."),
        "c", chunk("c", "Bread", "Sourdough rises slowly.")));
    FusionFeatures.Candidates c = FusionFeatures.of(LearnedScoreFusionTest.LISTS, 100, texts);
    assertEquals(13, FusionFeatures.NAMES.size());
    assertEquals(List.of("title_match", "text_match", "length"), FusionFeatures.NAMES.subList(10, 13));
    assertEquals(0.25, LearnedScoreFusionTest.feature(c, "a", "title_match"));
    assertEquals(0.5, LearnedScoreFusionTest.feature(c, "a", "text_match"));
    assertEquals(Math.log(10) / Math.log(513), LearnedScoreFusionTest.feature(c, "a", "length"), 1e-15);
    assertEquals(0.0, LearnedScoreFusionTest.feature(c, "c", "text_match"));
    assertEquals(Math.log(4) / Math.log(513), LearnedScoreFusionTest.feature(c, "c", "length"), 1e-15);
    // b has no stored chunk (deleted since retrieval): its text features are 0
    assertEquals(0.0, LearnedScoreFusionTest.feature(c, "b", "length"));
    // the list features are the lists' alone
    FusionFeatures.Candidates lists = FusionFeatures.of(LearnedScoreFusionTest.LISTS, 100);
    for (int i = 0; i < c.items().size(); i++) {
      for (int j = 0; j < FusionFeatures.LIST_NAMES.size(); j++) {
        assertEquals(lists.features()[i][j], c.features()[i][j]);
      }
      assertEquals(0.0, lists.features()[i][FusionFeatures.NAMES.indexOf("length")]);
    }
  }
}
