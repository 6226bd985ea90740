#!/bin/sh
# Copies the guide's screenshots (1280x800 only) from the e2e suite's artifacts into docs/guide/.
# Run the e2e tests first (make test, or the tests named below); then: docs/guide/collect.sh [ARTIFACTS_DIR]
#   first-run-1280x800                    tests/e2e/first_run.rs
#   live-keys-1280x800                    tests/e2e/screens.rs
#   checks-live-overdue-missing-1280x800  tests/e2e/checks.rs
#   dose-gate-1280x800, effects-panel-1280x800  tests/e2e/monitoring.rs
#   plain-errors-live-1280x800            tests/e2e/plain_errors.rs
#   end-panel-open-risks-1280x800         tests/e2e/whats_open.rs
#   review-sign-form-1280x800, review-export-panel-1280x800  tests/e2e/screens.rs
#   backup-settings-1280x800              tests/e2e/backup.rs
set -eu
here=$(cd "$(dirname "$0")" && pwd)
from=${1:-$here/../../.e2e-artifacts}
missing=0
for name in \
  first-run-1280x800 \
  live-keys-1280x800 \
  checks-live-overdue-missing-1280x800 \
  dose-gate-1280x800 \
  effects-panel-1280x800 \
  plain-errors-live-1280x800 \
  end-panel-open-risks-1280x800 \
  review-sign-form-1280x800 \
  review-export-panel-1280x800 \
  backup-settings-1280x800
do
  if [ -f "$from/$name.png" ]; then
    cp "$from/$name.png" "$here/$name.png"
  else
    echo "collect.sh: $from/$name.png is missing: run the e2e test that takes it" >&2
    missing=1
  fi
done
exit $missing
