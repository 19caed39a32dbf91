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
# Counts <testcase> elements and the <failure>, <error> and <skipped> inside them: the testsuite's own
# tests="" attribute leaves out @Nested classes and miscounts classes that mix JUnit and jqwik tests.
awk '
  /^[ \t]*<testcase[ >]/ { tests++ }
  /^[ \t]*<(failure|error)[ >\/]/ { failed++ }
  /^[ \t]*<skipped[ >\/]/ { skipped++ }
  END { printf "%d passed, %d failed, %d skipped\n", tests - failed - skipped, failed, skipped }
' "${reports[@]}"
