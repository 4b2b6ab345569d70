#!/usr/bin/env bash
# Create ./.venv with Python >= 3.12 and install the project into it.
#   bash scripts/setup.sh        # the model and its command `purges`
#   bash scripts/setup.sh app    # ... plus the seminar app (Solara, via mesa[rec])
#   bash scripts/setup.sh dev    # ... plus the app and the test tools (pytest, hypothesis, playwright)
#   bash scripts/setup.sh notebooks  # ... plus JupyterLab and nbconvert, for notebooks/
# Mesa 3.5 needs Python >= 3.12. The machine's default python3 may be 3.11,
# so look for a 3.12+ interpreter: python3.12/3.13 on PATH, then pyenv's.
set -euo pipefail
cd "$(dirname "$0")/.."
extra="${1:-}"
case "$extra" in ""|app|dev|notebooks) ;; *) echo "error: unknown set-up '$extra' (use: app, dev or notebooks)" >&2; exit 2 ;; esac

is_ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; }

find_python() {
  local c
  for c in python3.12 python3.13 python3 python; do
    if command -v "$c" >/dev/null 2>&1 && is_ok "$(command -v "$c")"; then command -v "$c"; return; fi
  done
  if command -v pyenv >/dev/null 2>&1; then
    for v in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.(1[2-9])' | sort -V); do
      c="$(pyenv root)/versions/$v/bin/python"
      if [ -x "$c" ] && is_ok "$c"; then echo "$c"; return; fi
    done
  fi
  for c in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[2-9]*/bin/python; do
    if [ -x "$c" ] && is_ok "$c"; then echo "$c"; return; fi
  done
  return 1
}

if [ ! -x .venv/bin/python ] || ! is_ok .venv/bin/python; then
  py="$(find_python)" || { echo "error: no Python >= 3.12 found (Mesa 3.5 needs it); install python3.12 or pyenv 3.12" >&2; exit 1; }
  echo "creating .venv with $("$py" --version 2>&1) ($py)"
  rm -rf .venv
  "$py" -m venv .venv
fi
target="."
[ "$extra" = "dev" ] && target=".[dev]"
[ "$extra" = "app" ] && target=".[app]"
[ "$extra" = "notebooks" ] && target=".[notebooks]"
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e "$target" 2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
echo "installed into .venv ($(.venv/bin/python --version))"
[ "$extra" = "notebooks" ] && echo "notebooks: .venv/bin/jupyter lab notebooks/"
exit 0
