package dev.quarry.search.fusion;

import dev.quarry.core.search.Fuser;
import dev.quarry.core.search.FusedResult;
import dev.quarry.core.search.RankedList;
import java.util.List;
import java.util.Map;

/**
 * A normalised fusion that can use completed scores ({@link dev.quarry.core.search.Fusion#complete()}):
 * {@code completed.get(list).get(chunkId)} is the raw score list {@code list}'s retriever gives a
 * candidate of another list that it did not retrieve. Such a candidate is normalised with that
 * list's own statistics instead of taking the list's floor, and may fall below the floor. A
 * completed score for a chunk that no list retrieved, or that the list did retrieve, is ignored.
 */
public interface CompletingFuser extends Fuser {

  List<FusedResult> fuse(List<RankedList> lists, int k, Map<String, Map<String, Float>> completed);
}
