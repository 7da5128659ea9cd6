# Shared by scripts/run-local and scripts/test: make sure .venv exists and holds the project.
# Usage: source scripts/_venv.sh; ensure_venv ""      (runtime only)
#                                 ensure_venv "dev"   (runtime + test and lint tools)

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${VENV:-$ROOT/.venv}"

find_python() {
    # The project needs 3.11+; prefer the newest interpreter on PATH.
    local candidate
    for candidate in python3.13 python3.12 python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

pyproject_stamp() {
    # Reinstall only when pyproject.toml changes (or the extras asked for differ).
    local extras="$1"
    "$VENV/bin/python" - "$ROOT/pyproject.toml" "$extras" <<'PY'
import hashlib, sys
digest = hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest()
print(f"{digest} {sys.argv[2] or 'runtime'}")
PY
}

ensure_venv() {
    local extras="$1" python stamp_file want
    if [ ! -x "$VENV/bin/python" ]; then
        if ! python="$(find_python)"; then
            echo "error: Python 3.11 or newer is required (python3 --version)." >&2
            return 1
        fi
        echo "Creating $VENV with $python ..."
        if ! "$python" -m venv "$VENV"; then
            echo "error: could not create a virtual environment;" \
                "on Debian/Ubuntu install the python3-venv package." >&2
            return 1
        fi
    fi
    stamp_file="$VENV/.installed-${extras:-runtime}"
    want="$(pyproject_stamp "$extras")"
    # A dev install also satisfies a runtime-only request.
    if [ -f "$stamp_file" ] && [ "$(cat "$stamp_file")" = "$want" ]; then
        return 0
    fi
    if [ -z "$extras" ] && [ -f "$VENV/.installed-dev" ] &&
        [ "$(cat "$VENV/.installed-dev")" = "$(pyproject_stamp dev)" ]; then
        return 0
    fi
    echo "Installing the project into $VENV (pyproject.toml changed or first run) ..."
    local target="$ROOT"
    [ -n "$extras" ] && target="$ROOT[$extras]"
    # Build-backend chatter goes to a log; it is shown only when the install fails.
    if ! install_project "$target" >"$VENV/install.log" 2>&1; then
        cat "$VENV/install.log" >&2
        echo "error: installing the project failed (log: $VENV/install.log)" >&2
        return 1
    fi
    echo "$want" >"$stamp_file"
}

install_project() {
    # uv resolves and installs the same releases as pip in a few seconds where pip takes most of
    # a minute (every clean checkout, every CI run); pip does it alone when uv cannot be had.
    local target="$1"
    if "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "uv>=0.5" &&
        "$VENV/bin/uv" pip install --quiet --python "$VENV/bin/python" -e "$target"; then
        return 0
    fi
    echo "uv could not install the project; installing with pip instead"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e "$target"
}
