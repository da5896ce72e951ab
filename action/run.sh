#!/usr/bin/env bash
# Run lockcheck for the GitHub Action: the action's inputs arrive as INPUT_* variables
# (see action.yml and docs/github-actions.md). Annotations go to the log, SARIF (when
# asked) to a file for the upload step. This step always succeeds; it records lockcheck's
# exit code as the step output exit-code, and the action's last step exits with it, so the
# SARIF is uploaded whatever lockcheck found.
set -uo pipefail

truthy() {
  case "${1,,}" in
    true | yes | 1 | on) return 0 ;;
    false | no | 0 | off | "") return 1 ;;
    *)
      echo "lockcheck action: error: expected true or false, got '$1'" >&2
      exit 2
      ;;
  esac
}

args=(check --format github --no-progress)
truthy "${INPUT_VERIFY:-false}" && args+=(--verify)
truthy "${INPUT_EXIT_ZERO:-false}" && args+=(--exit-zero)
[[ -n "${INPUT_FAIL_ON:-}" ]] && args+=(--fail-on "$INPUT_FAIL_ON")
[[ -n "${INPUT_SELECT:-}" ]] && args+=(--select "$INPUT_SELECT")
[[ -n "${INPUT_IGNORE:-}" ]] && args+=(--ignore "$INPUT_IGNORE")
[[ -n "${INPUT_CONFIG:-}" ]] && args+=(--config "$INPUT_CONFIG")
[[ -n "${INPUT_INDEX_URL:-}" ]] && args+=(--index-url "$INPUT_INDEX_URL")
sarif=""
if truthy "${INPUT_SARIF:-false}"; then
  sarif="${INPUT_SARIF_FILE:-lockcheck.sarif}"
  args+=(--report "sarif=$sarif")
fi
# Space-separated lists: paths and extra arguments are words, never shell code.
read -r -a extra <<<"${INPUT_EXTRA_ARGS:-}"
read -r -a paths <<<"${INPUT_PATHS:-.}"
args+=("${extra[@]}" -- "${paths[@]}")

read -r -a lockcheck <<<"${LOCKCHECK:-lockcheck}"
"${lockcheck[@]}" "${args[@]}"
code=$?
if [[ -n "${GITHUB_OUTPUT:-}" ]]; then
  {
    echo "exit-code=$code"
    if [[ -n "$sarif" && -f "$sarif" ]]; then echo "sarif-file=$sarif"; fi
  } >>"$GITHUB_OUTPUT"
fi
exit 0
