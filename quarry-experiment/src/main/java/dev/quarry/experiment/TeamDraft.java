package dev.quarry.experiment;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Team-draft interleaving (Radlinski, Kurup and Joachims, "How does clickthrough data reflect
 * retrieval quality?", CIKM 2008): two rankings A and B are merged like two captains picking teams.
 * In each step the team with fewer picks so far (a coin flip when even) adds its highest-ranked
 * document not yet in the list, and the document remembers its team. A click is credited to the
 * team that contributed the clicked document; the ranking whose team gets more clicks in an
 * impression wins it.
 *
 * <p>Properties (tested): no document appears twice; after every prefix the teams' sizes differ by
 * at most one while both rankings have documents left; each team's documents appear in the order
 * of its own ranking. The coin is seeded, so an impression can be replayed.
 */
public final class TeamDraft {

  /** Which ranking contributed a document. */
  public enum Team {
    A, B
  }

  /** One position of the interleaved list. */
  public record Pick(String docId, Team team) {
    public Pick {
      Objects.requireNonNull(docId, "docId");
      Objects.requireNonNull(team, "team");
    }
  }

  private TeamDraft() {}

  /** Interleaves {@code a} and {@code b} into at most {@code k} picks, flipping coins from {@code seed}. */
  public static List<Pick> interleave(List<String> a, List<String> b, int k, long seed) {
    if (k < 0) {
      throw new IllegalArgumentException("k must be at least 0, got: " + k);
    }
    SplittableRandom coin = new SplittableRandom(seed);
    List<Pick> out = new ArrayList<>();
    Set<String> taken = new HashSet<>();
    int ia = 0;
    int ib = 0;
    int teamA = 0;
    int teamB = 0;
    while (out.size() < k) {
      ia = skipTaken(a, ia, taken);
      ib = skipTaken(b, ib, taken);
      boolean aLeft = ia < a.size();
      boolean bLeft = ib < b.size();
      if (!aLeft && !bLeft) {
        break;
      }
      boolean pickA = teamA < teamB || (teamA == teamB && coin.nextBoolean());
      if (pickA && !aLeft) {
        pickA = false;
      } else if (!pickA && !bLeft) {
        pickA = true;
      }
      if (pickA) {
        String doc = a.get(ia++);
        taken.add(doc);
        out.add(new Pick(doc, Team.A));
        teamA++;
      } else {
        String doc = b.get(ib++);
        taken.add(doc);
        out.add(new Pick(doc, Team.B));
        teamB++;
      }
    }
    return List.copyOf(out);
  }

  private static int skipTaken(List<String> ranking, int from, Set<String> taken) {
    int i = from;
    while (i < ranking.size() && taken.contains(ranking.get(i))) {
      i++;
    }
    return i;
  }

  /** An impression's outcome by credited clicks: A wins, B wins, a tie (clicks, equal credit) or no click. */
  public enum Outcome {
    A_WINS, B_WINS, TIE, NO_CLICK
  }

  /**
   * The outcome of one impression from the teams of its clicked documents (each clicked document
   * once, however often it was clicked; documents not in {@code picks} are ignored).
   */
  public static Outcome outcome(List<Pick> picks, Set<String> clicked) {
    int creditA = 0;
    int creditB = 0;
    for (Pick p : picks) {
      if (clicked.contains(p.docId())) {
        if (p.team() == Team.A) {
          creditA++;
        } else {
          creditB++;
        }
      }
    }
    if (creditA == 0 && creditB == 0) {
      return Outcome.NO_CLICK;
    }
    return creditA > creditB ? Outcome.A_WINS : creditB > creditA ? Outcome.B_WINS : Outcome.TIE;
  }
}
