#!/usr/bin/env bash
# The check step of lancelot's GitHub Action (action.yml): judges the commits of the
# pull request (or INPUT_RANGE), reports each finding as an annotation and in the
# job summary, and fails the job when one is found.
#
# Inputs (environment): INPUT_RANGE, INPUT_CONFIG, INPUT_COMMAND (check, lint or
# both); GITHUB_EVENT_PATH and GITHUB_EVENT_NAME as GitHub sets them.
set -uo pipefail

command="${INPUT_COMMAND:-check}"
case "$command" in
  check|lint|both) ;;
  *) echo "::error title=lancelot::the command input must be check, lint or both, not '$command'"; exit 2 ;;
esac

config_args=()
if [ -n "${INPUT_CONFIG:-}" ]; then
  config_args=(--config "$INPUT_CONFIG")
fi

status=0
if [ "$command" != lint ]; then
  range="${INPUT_RANGE:-}"
  if [ -z "$range" ]; then
    # The pull request's own commits: base...head, from the event GitHub wrote.
    range="$(python3 - "${GITHUB_EVENT_PATH:-}" <<'PY'
import json, sys
try:
    event = json.load(open(sys.argv[1]))
except (OSError, ValueError, IndexError):
    sys.exit(0)
request = event.get("pull_request") or {}
base = (request.get("base") or {}).get("sha")
head = (request.get("head") or {}).get("sha")
if base and head:
    print(f"{base}...{head}")
elif event.get("before") and event.get("after") and set(event["before"]) != {"0"}:
    print(f"{event['before']}..{event['after']}")
PY
)"
  fi
  if [ -z "$range" ]; then
    echo "::error title=lancelot::no range to check: run on pull_request (or push) events, or set the range input"
    exit 2
  fi
  if [ "$(git rev-parse --is-shallow-repository 2>/dev/null)" = true ]; then
    echo "::error title=lancelot::the checkout is shallow, so the commits cannot all be judged: set fetch-depth: 0 on actions/checkout"
    exit 2
  fi
  lancelot "${config_args[@]}" check --format github --range "$range"
  code=$?
  [ "$code" -gt "$status" ] && status=$code
fi
if [ "$command" != check ]; then
  lancelot "${config_args[@]}" lint --format github
  code=$?
  [ "$code" -gt "$status" ] && status=$code
fi
exit "$status"
