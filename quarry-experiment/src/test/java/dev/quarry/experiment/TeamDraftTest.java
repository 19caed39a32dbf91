package dev.quarry.experiment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.experiment.TeamDraft.Outcome;
import dev.quarry.experiment.TeamDraft.Pick;
import dev.quarry.experiment.TeamDraft.Team;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.UniqueElements;
import org.junit.jupiter.api.Test;

class TeamDraftTest {

  @Property(tries = 300)
  void noDuplicatesBalancedPrefixesAndEachTeamKeepsItsRankingsOrder(
      @ForAll @Size(max = 15) @UniqueElements List<@IntRange(max = 20) Integer> aIds,
      @ForAll @Size(max = 15) @UniqueElements List<@IntRange(max = 20) Integer> bIds,
      @ForAll @IntRange(max = 40) int k, @ForAll long seed) {
    List<String> a = aIds.stream().map(i -> "d" + i).toList();
    List<String> b = bIds.stream().map(i -> "d" + i).toList();
    List<Pick> picks = TeamDraft.interleave(a, b, k, seed);
    Set<String> union = new HashSet<>(a);
    union.addAll(b);
    assertEquals(Math.min(k, union.size()), picks.size(), "fills k while documents are left");
    assertEquals(picks.size(), picks.stream().map(Pick::docId).distinct().count(), "no duplicates");
    int teamA = 0;
    int teamB = 0;
    for (Pick p : picks) {
      if (p.team() == Team.A) {
        teamA++;
      } else {
        teamB++;
      }
      boolean bothHaveLeft = remaining(a, picks, teamA + teamB) && remaining(b, picks, teamA + teamB);
      if (bothHaveLeft) {
        assertTrue(Math.abs(teamA - teamB) <= 1, "prefix balance at " + (teamA + teamB) + ": " + picks);
      }
    }
    assertTrue(isSubsequence(picks.stream().filter(p -> p.team() == Team.A).map(Pick::docId).toList(), a));
    assertTrue(isSubsequence(picks.stream().filter(p -> p.team() == Team.B).map(Pick::docId).toList(), b));
    assertEquals(picks, TeamDraft.interleave(a, b, k, seed), "the same seed gives the same interleaving");
  }

  /** Whether {@code ranking} still has a document outside the first {@code n} picks. */
  private static boolean remaining(List<String> ranking, List<Pick> picks, int n) {
    Set<String> taken = new HashSet<>();
    picks.subList(0, n).forEach(p -> taken.add(p.docId()));
    return ranking.stream().anyMatch(d -> !taken.contains(d));
  }

  private static boolean isSubsequence(List<String> sub, List<String> of) {
    int j = 0;
    for (String d : of) {
      if (j < sub.size() && sub.get(j).equals(d)) {
        j++;
      }
    }
    return j == sub.size();
  }

  @Test
  void identicalRankingsGiveTheSameListWithTeamsTakingTurnsInPairs() {
    List<String> r = List.of("x", "y", "z", "w");
    List<Pick> picks = TeamDraft.interleave(r, r, 4, 7);
    assertEquals(r, picks.stream().map(Pick::docId).toList());
    assertTrue(picks.get(0).team() != picks.get(1).team() && picks.get(2).team() != picks.get(3).team());
  }

  @Test
  void theFirstPickGoesToEachTeamAboutHalfTheTime() {
    int aFirst = 0;
    for (long seed = 0; seed < 2_000; seed++) {
      if (TeamDraft.interleave(List.of("a1"), List.of("b1"), 1, seed).getFirst().team() == Team.A) {
        aFirst++;
      }
    }
    assertTrue(Math.abs(aFirst - 1_000) < 150, "the coin is fair: A first " + aFirst + " of 2000");
  }

  @Test
  void clicksAreCreditedToTheTeamThatContributedTheDocument() {
    List<Pick> picks = List.of(new Pick("a1", Team.A), new Pick("b1", Team.B), new Pick("b2", Team.B), new Pick("a2", Team.A));
    assertEquals(Outcome.A_WINS, TeamDraft.outcome(picks, Set.of("a1")));
    assertEquals(Outcome.B_WINS, TeamDraft.outcome(picks, Set.of("a1", "b1", "b2")));
    assertEquals(Outcome.TIE, TeamDraft.outcome(picks, Set.of("a2", "b1")));
    assertEquals(Outcome.NO_CLICK, TeamDraft.outcome(picks, Set.of("elsewhere")));
  }

  @Test
  void aBetterRankingWinsMoreImpressionsUnderASimulatedUser() {
    // the user clicks the relevant document r1 wherever it is; A ranks it first, B tenth
    List<String> a = new ArrayList<>(List.of("r1"));
    List<String> b = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      a.add("n" + i);
      b.add("n" + i);
    }
    b.add("r1");
    int aWins = 0;
    for (long seed = 0; seed < 200; seed++) {
      List<Pick> picks = TeamDraft.interleave(a, b, 10, seed);
      if (TeamDraft.outcome(picks, Set.of("r1")) == Outcome.A_WINS) {
        aWins++;
      }
    }
    assertEquals(200, aWins, "r1 is always in A's team: B reaches it only after A took it");
  }
}
