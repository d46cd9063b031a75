#!/usr/bin/env bash
# The test command behind `make test`: lint, types, migrations check, translations check,
# then the pytest suite on SQLite and, when one answers, on PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export KYODO_FAST_HASHER=1 AXES_ENABLED=0
export KYODO_TASKS_BACKEND=django_tasks.backends.immediate.ImmediateBackend
export SQLITE_PATH="${SQLITE_PATH:-$(pwd)/var/test-check.sqlite3}"
unset DATABASE_URL || true

step() { printf '\n==> %s\n' "$*"; }

step "ruff check"; $BIN/ruff check .
step "ruff format --check"; $BIN/ruff format --check .
step "mypy"; $BIN/mypy .
step "makemigrations --check"; $BIN/python manage.py makemigrations --check --dry-run
step "translations"; $BIN/python manage.py translations compile >/dev/null; $BIN/python manage.py translations check

if [ -x /usr/bin/chromium ] || command -v chromium >/dev/null 2>&1; then
  browsers="Chromium found: browser tests run"
else
  browsers="Chromium not installed: browser tests are SKIPPED (apt-get install chromium)"
fi
echo "$browsers"

# schemathesis (tests/security/test_api_schemathesis.py) is part of the gate since issue 11 was
# fixed: deterministic (fixed seed, derandomized), a few examples per operation, on both
# databases. Nothing is skipped; keep SKIP for a temporary, commented exclusion, e.g.
# SKIP=(--ignore=path/to/test.py)  # why, and the issue that removes it
SKIP=()
covered=()
step "pytest on SQLite"
$BIN/pytest ${SKIP[@]+"${SKIP[@]}"} "$@"
covered+=("SQLite")

# The second city (issue 25): the same code run from another municipality's file, a
# fictional one as different from Kawagoe's as the file allows. Its checks (seed_demo, a
# crawl of every page as a visitor and as each role, the city's shape in the report, API
# and exports) and the workflow tests that depend on the guideline, on SQLite only.
# Skipped when arguments select other tests (`make test ARGS=...`).
if [ "$#" -eq 0 ]; then
  step "pytest on SQLite, second city (kyodo/guideline/data/kaku.toml)"
  second_city="$(pwd)/kyodo/guideline/data/kaku.toml"
  $BIN/python manage.py load_guideline --check "$second_city"
  KYODO_GUIDELINE_FILE="$second_city" SQLITE_PATH="$(pwd)/var/test-second-city.sqlite3" \
    $BIN/pytest tests/second_city -q
  # The workflow tests that depend on the guideline: their factories read codes from the
  # loaded file (kyodo/guideline/tests/codes.py); tests about Kawagoe's own data are marked
  # kawagoe_only and skip here.
  KYODO_GUIDELINE_FILE="$second_city" SQLITE_PATH="$(pwd)/var/test-second-city.sqlite3" \
    $BIN/pytest -q kyodo/projects/tests/test_lifecycle.py kyodo/guideline/tests/test_second_city.py \
      kyodo/organizations/tests/test_city_setup.py \
      kyodo/organizations/tests/test_registry_machine.py kyodo/organizations/tests/test_import.py \
      kyodo/calls/tests/test_subsidy_machine.py \
      kyodo/events/tests/test_events_machine.py kyodo/events/tests/test_services.py \
      kyodo/events/tests/test_bookings.py kyodo/events/tests/test_journey.py \
      kyodo/events/tests/test_calendar.py \
      kyodo/challenges/tests/test_state_machine.py kyodo/challenges/tests/test_services.py \
      kyodo/challenges/tests/test_themes.py kyodo/challenges/tests/test_links.py \
      kyodo/promotion/tests/test_promotion.py kyodo/promotion/tests/test_import_invariants.py
  covered+=("SQLite (second city)")
fi

pg_url="${KYODO_TEST_POSTGRES_URL:-}"
if [ -z "$pg_url" ] && $BIN/python - <<'PY' 2>/dev/null
import socket, sys
s = socket.socket(); s.settimeout(1)
sys.exit(0 if s.connect_ex(("127.0.0.1", 5432)) == 0 else 1)
PY
then
  pg_url="postgres://postgres@127.0.0.1:5432/postgres"
fi
if [ -n "$pg_url" ]; then
  step "pytest on PostgreSQL ($pg_url)"
  DATABASE_URL="$pg_url" $BIN/pytest ${SKIP[@]+"${SKIP[@]}"} "$@"
  covered+=("PostgreSQL")
else
  echo "PostgreSQL: no server on localhost:5432 and KYODO_TEST_POSTGRES_URL unset: skipped"
fi
printf '\nDatabases covered: %s\n%s\n' "${covered[*]}" "$browsers"
