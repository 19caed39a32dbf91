#!/usr/bin/env bash
# Prints one line with the totals of the Surefire reports under the given directory's modules
# (DIR/*/target/surefire-reports/TEST-*.xml): "N passed, N failed, N skipped". Errors count as
# failed. `./quarry test` ends with it. Exits 1, with a note on stderr, when there is no report.
set -euo pipefail
root="${1:?usage: test-summary.sh PROJECT_DIR}"
reports=()
for f in "$root"/*/target/surefire-reports/TEST-*.xml; do
  [ -f "$f" ] && reports+=("$f")
done
if [ "${#reports[@]}" -eq 0 ]; then
  echo "quarry: no test reports under $root/*/target/surefire-reports (the build failed before any test ran)" >&2
  exit 1
fi
awk '
  function attr(name,   v) {
    if (match($0, " " name "=\"[0-9]+\"")) {
      v = substr($0, RSTART + length(name) + 3, RLENGTH - length(name) - 4)
      return v + 0
    }
    return 0
  }
  /<testsuite[ >]/ && !seen[FILENAME]++ {
    tests += attr("tests"); failed += attr("failures") + attr("errors"); skipped += attr("skipped")
  }
  END { printf "%d passed, %d failed, %d skipped\n", tests - failed - skipped, failed, skipped }
' "${reports[@]}"
