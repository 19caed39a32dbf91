package dev.quarry.runtime.cite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MarkerFilterTest {

  private static final java.util.function.IntPredicate ONE_TO_THREE = n -> n >= 1 && n <= 3;

  @Test
  void removesMarkersOfUnknownPassagesAndKeepsTheKnownOnes() {
    MarkerFilter.Filtered f = MarkerFilter.apply("A [1]. B [4]. C [2, 9]. D [9, 8].", ONE_TO_THREE);
    assertEquals("A [1]. B . C [2]. D .", f.text());
    assertEquals(4, f.removed());
  }

  @Test
  void leavesBracketsThatAreNotMarkersAlone() {
    MarkerFilter.Filtered f = MarkerFilter.apply("x[i] = [a, b] and [] and [12345] and [1", ONE_TO_THREE);
    assertEquals("x[i] = [a, b] and [] and [12345] and [1", f.text());
    assertEquals(0, f.removed());
  }

  @Test
  void aMarkerSplitAcrossDeltasIsFilteredTheSameAsWhole() {
    String text = "Certificates expire [1][7] after a year [[2]. Done [3";
    String whole = MarkerFilter.apply(text, ONE_TO_THREE).text();
    for (int cut = 0; cut <= text.length(); cut++) {
      for (int cut2 = cut; cut2 <= text.length(); cut2 += 3) {
        List<String> out = new ArrayList<>();
        MarkerFilter f = new MarkerFilter(ONE_TO_THREE, out::add);
        f.accept(text.substring(0, cut));
        f.accept(text.substring(cut, cut2));
        f.accept(text.substring(cut2));
        f.finish();
        assertEquals(whole, String.join("", out), "cut at " + cut + ", " + cut2);
        assertEquals(1, f.removed());
      }
    }
  }
}
