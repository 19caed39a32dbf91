package dev.quarry.core.search;

import java.util.List;

/** Combines ranked lists into one, best first. A pure function of its inputs. */
@FunctionalInterface
public interface Fuser {
  List<FusedResult> fuse(List<RankedList> lists, int k);
}
