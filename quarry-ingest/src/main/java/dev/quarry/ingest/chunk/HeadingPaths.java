package dev.quarry.ingest.chunk;

import dev.quarry.core.document.Heading;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The path of enclosing heading titles (top level first) at any offset of a document: the last
 * heading at or before the offset, and the nearest heading of each lower level before it.
 */
final class HeadingPaths {

  private final int[] offsets;
  private final List<List<String>> paths;

  private HeadingPaths(int[] offsets, List<List<String>> paths) {
    this.offsets = offsets;
    this.paths = paths;
  }

  static HeadingPaths of(List<Heading> headings) {
    List<Heading> sorted = new ArrayList<>(headings);
    sorted.sort(Comparator.comparingInt(Heading::offset));
    int[] offsets = new int[sorted.size()];
    List<List<String>> paths = new ArrayList<>(sorted.size());
    List<Heading> stack = new ArrayList<>();
    for (int i = 0; i < sorted.size(); i++) {
      Heading heading = sorted.get(i);
      while (!stack.isEmpty() && stack.getLast().level() >= heading.level()) {
        stack.removeLast();
      }
      stack.add(heading);
      offsets[i] = heading.offset();
      paths.add(stack.stream().map(Heading::title).toList());
    }
    return new HeadingPaths(offsets, paths);
  }

  List<String> at(int offset) {
    int lo = 0;
    int hi = offsets.length; // find the number of headings at or before offset
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (offsets[mid] <= offset) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo == 0 ? List.of() : paths.get(lo - 1);
  }
}
