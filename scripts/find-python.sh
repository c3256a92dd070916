#!/usr/bin/env bash
# Prints the path of a Python >= 3.12 (Django 6 needs it), or explains what is missing.
# Order: $SAMSKAB_PYTHON, python3.13, python3.12, pyenv-installed versions, python3.
set -u
candidates=()
[ -n "${SAMSKAB_PYTHON:-}" ] && candidates+=("$SAMSKAB_PYTHON")
candidates+=(python3.14 python3.13 python3.12)
for root in "${PYENV_ROOT:-$HOME/.pyenv}" /opt/pyenv; do
  for p in "$root"/versions/3.1[2-9]*/bin/python3; do [ -x "$p" ] && candidates+=("$p"); done
done
candidates+=(python3 python)
for c in "${candidates[@]}"; do
  path=$(command -v "$c" 2>/dev/null) || continue
  if "$path" -c 'import sys, venv; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; then
    echo "$path"
    exit 0
  fi
done
echo "error: Samskab needs Python 3.12 or newer (Django 6). Found none among: ${candidates[*]}." >&2
echo "Install python3.12 (or set SAMSKAB_PYTHON=/path/to/python3.12) and run make again." >&2
exit 1
