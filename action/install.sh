#!/usr/bin/env bash
# Install lockcheck for the GitHub Action into a virtual environment of its own, every
# file hash-checked: the dependencies (and the build backend) from action/requirements.txt
# with --require-hashes, then lockcheck itself built from the action's own checkout, which
# the workflow pins by commit, without reaching any index.
#
# Environment: INPUT_PYTHON (the interpreter, default python3), RUNNER_TEMP, GITHUB_OUTPUT,
# GITHUB_ACTION_PATH (the action's checkout; default: this script's repository).
set -euo pipefail

here="${GITHUB_ACTION_PATH:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
venv="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/lockcheck-action-venv"
"${INPUT_PYTHON:-python3}" -m venv "$venv"
pip=("$venv/bin/python" -m pip --disable-pip-version-check --no-input)
"${pip[@]}" install --require-hashes --only-binary :all: --no-deps -r "$here/action/requirements.txt"
"${pip[@]}" install --no-deps --no-build-isolation --no-index "$here"
if [[ -n "${GITHUB_OUTPUT:-}" ]]; then
  echo "lockcheck=$venv/bin/lockcheck" >>"$GITHUB_OUTPUT"
fi
