#!/usr/bin/env bash
# The Python SDK's checks, as `npm test` runs them: ruff, mypy --strict, pytest.
#
# Creates python/.venv when missing (or broken) and installs the package with its test extras
# when python/pyproject.toml changed since the last install. Expects the server to be built
# already (`npm test` builds first); the tests start it themselves.
#
# Without a usable python3 (>= 3.9 with venv) it warns and exits 0, except under CI=true,
# where it fails: CI must run the Python suite.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY_DIR="$ROOT/python"
VENV="$PY_DIR/.venv"
STAMP="$VENV/.progressdb-install-stamp"

unavailable() {
  {
    echo
    echo "############################################################################"
    echo "#  Python SDK tests NOT RUN: $1"
    echo "#  Install Python 3.9+ with venv (Debian: apt-get install python3 python3-venv)."
    echo "############################################################################"
    echo
  } >&2
  if [ "${CI:-}" = "true" ]; then
    echo "python-tests: failing because CI=true." >&2
    exit 1
  fi
  exit 0
}

PYTHON="${PYTHON:-python3}"
command -v "$PYTHON" >/dev/null 2>&1 || unavailable "$PYTHON is not installed."
"$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 9) else 1)' \
  || unavailable "$("$PYTHON" --version 2>&1) is older than 3.9."

# A venv whose interpreter went away (e.g. Python upgraded) is rebuilt.
if [ -d "$VENV" ] && ! "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1; then
  echo "python-tests: $VENV is broken; recreating it."
  rm -rf "$VENV"
fi
if [ ! -x "$VENV/bin/python" ]; then
  echo "python-tests: creating $VENV"
  "$PYTHON" -m venv "$VENV" || { rm -rf "$VENV"; unavailable "'$PYTHON -m venv' failed."; }
fi

# Reinstall when pyproject.toml (dependencies, tool config) or the interpreter changed.
want="$("$VENV/bin/python" - "$PY_DIR/pyproject.toml" <<'EOF'
import hashlib, sys
with open(sys.argv[1], "rb") as f:
    print(hashlib.sha256(f.read()).hexdigest(), sys.version.split()[0])
EOF
)"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$want" ]; then
  echo "python-tests: installing progressdb[test] into $VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e "$PY_DIR[test]"
  echo "$want" > "$STAMP"
fi

cd "$PY_DIR"
echo "python-tests: ruff check"
"$VENV/bin/ruff" check .
echo "python-tests: mypy --strict (package and tests)"
"$VENV/bin/mypy" --strict src/progressdb tests
echo "python-tests: pytest"
status=0
"$VENV/bin/pytest" -q || status=$?
if [ "$status" -eq 5 ]; then
  echo "python-tests: pytest collected no tests; that is a failure." >&2
  exit 1
fi
exit "$status"
