#!/usr/bin/env bash
# Build the wheel, install it into a fresh virtualenv outside the checkout, build the example case with it and
# compare every output file with the editable install's build, byte for byte.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
python=${PYTHON:-$(command -v python3.11 || command -v python3)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# the wheel is built from a copy of the checkout's files, so no build folder is left in the checkout
mkdir "$work/src"
git ls-files -z --cached --others --exclude-standard | tar --null -cf - -T - | tar -xf - -C "$work/src"
"$python" -m pip wheel -q --no-deps --wheel-dir "$work/wheel" "$work/src"
"$python" -m venv "$work/venv"
"$work/venv/bin/pip" install -q --upgrade pip
"$work/venv/bin/pip" install -q -c "$root/constraints.txt" "$work"/wheel/reportgen-*.whl
example=$(mktemp -d); cp -r "$root/data/eksempler/allerod-2024/." "$example/"
(cd "$work" && "$work/venv/bin/reportgen" build "$example" --out "$work/wheel-out")
"$root/.venv/bin/reportgen" build "$example" --out "$work/editable-out"
rm -rf "$example"
(cd "$work/wheel-out" && find . -type f | sort | xargs sha256sum) > "$work/wheel.sha256"
(cd "$work/editable-out" && find . -type f | sort | xargs sha256sum) > "$work/editable.sha256"
if ! diff -u "$work/editable.sha256" "$work/wheel.sha256"; then
    echo "Hjulet bygger ikke de samme filer som den redigerbare installation." >&2
    exit 1
fi
echo "Hjulet er installeret uden for kildekoden og bygger eksemplet byte for byte som den redigerbare installation:"
cat "$work/wheel.sha256"
