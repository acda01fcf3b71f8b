#!/usr/bin/env bash
# The install step of lancelot's GitHub Action (action.yml): builds lancelot from the
# action's own files (or INPUT_VERSION, a git ref of the action's repository) into
# LANCELOT_ROOT, unless the cache restored it, and puts it on the job's PATH.
set -euo pipefail

root="${LANCELOT_ROOT:-$HOME/.lancelot}"
source_dir="${GITHUB_ACTION_PATH:?run by GitHub Actions, with GITHUB_ACTION_PATH set}"
if [ ! -x "$root/bin/lancelot" ]; then
  if [ -n "${INPUT_VERSION:-}" ]; then
    cargo install --locked --quiet --root "$root" \
      --git "https://github.com/${GITHUB_ACTION_REPOSITORY:?}" --rev "$INPUT_VERSION" lancelot
  else
    cargo install --locked --quiet --path "$source_dir" --root "$root"
  fi
fi
echo "$root/bin" >> "${GITHUB_PATH:-/dev/null}"
"$root/bin/lancelot" --version
