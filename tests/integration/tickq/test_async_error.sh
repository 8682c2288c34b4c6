#!/usr/bin/env bash
# test_async_error.sh: an error raised while a server evaluates an async message has no
# reply to travel in, so the server prints it to stderr (as it does for .z.po errors)
# and keeps serving. Starts tickq -p on a free port, sends neg[h]"1+`a" from a client,
# then checks the server's stderr and that a sync call still answers.
# Environment: TICK_BIN (build directory, default build).
# shellcheck disable=SC2016  # q expressions hold ` for q, not for the shell
set -uo pipefail

root=$(cd "$(dirname "$0")/../../.." && pwd)
tickq=${TICK_BIN:-$root/build}/cli/tickq
work=$(mktemp -d "${TMPDIR:-/tmp}/tickq-async.XXXXXX")
readonly POLLS=100   # polls of 0.1 s
server=''
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
(cd "$work" && exec "$tickq" -p "$port" </dev/null >"$work/out" 2>"$work/err") &
server=$!
for _ in $(seq "$POLLS"); do
    "$tickq" -c "127.0.0.1:$port" -e '1' >/dev/null 2>&1 && break
    sleep 0.1
done
got=$(cd "$work" && "$tickq" -e "h:hopen \`::$port;neg[h]\"1+\`a\";neg[h][];r:h\"2+3\";hclose h;r" 2>&1)
if [ "$got" != "5" ]; then echo "FAIL sync call after the async error: got [$got]"; exit 1; fi
for _ in $(seq "$POLLS"); do grep -q "'type" "$work/err" && break; sleep 0.1; done
if ! grep -q "async message from handle [0-9]*: 'type" "$work/err"; then
    echo "FAIL no error line on the server's stderr:"; cat "$work/err"; exit 1
fi
echo "ok   async error printed: $(grep "'type" "$work/err")"
