#!/usr/bin/env bash
# test_stack.sh: the whole stack through scripts/tick: tickerplant, hdb, rdb, the example
# subscribers (examples/*.q) and the feed, on ports picked for this run, from a stack.json
# generated into a mktemp directory. Feeds for FEED_SECONDS, then checks that the rdb and
# the subscribers hold what the feed says it sent, stops everything and checks that no
# process is left. An example whose upd signals a q error (an interpreter feature not
# there yet) is reported as not yet working; wrong results from a working upd fail.
# Programs missing from TICK_BIN (rdb, hdb while they are written) are left out and named.
# Environment: TICK_BIN (build directory, default build), TICK_SOURCE_ROOT, FEED_SECONDS.
# shellcheck disable=SC2016  # q expressions hold $ and ` for q, not for the shell
set -uo pipefail

root=${TICK_SOURCE_ROOT:-$(cd "$(dirname "$0")/../../.." && pwd)}
bin=${TICK_BIN:-$root/build}
feed_seconds=${FEED_SECONDS:-3}
readonly SETTLE_POLLS=100      # polls of 0.1 s for the rdb and subscribers to catch up
tickq=$bin/cli/tickq
work=$(mktemp -d "${TMPDIR:-/tmp}/tick-stack.XXXXXX")
export TICK_CONFIG=$work/stack.json TICK_BIN=$bin TICK_RUN_DIR=$work/run
fails=0 sleeper=''
pids=()

cleanup() {
    [ -n "$sleeper" ] && kill "$sleeper" 2>/dev/null
    "$root/scripts/tick" stop >/dev/null 2>&1
    local pid
    for pid in "${pids[@]}"; do   # only what this run started, by pid
        alive "$pid" && kill -KILL "$pid" 2>/dev/null
    done
    if [ "$fails" -ne 0 ] && [ -d "$work/run/logs" ]; then
        for log in "$work/run/logs"/*.log; do echo "=== $log"; tail -n 15 "$log"; done
    fi
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# alive PID: running and not a zombie (a stopped daemon's parent, init, reaps it later)
alive() { [ -r "/proc/$1/stat" ] && ! grep -q '^[^ ]* ([^)]*) Z' "/proc/$1/stat" 2>/dev/null; }
ok() { echo "ok   $1"; }
fail() { echo "FAIL $1"; fails=$((fails + 1)); }
check() { # name, expected, actual
    if [ "$2" = "$3" ]; then ok "$1"; else fail "$1"; echo "  want: $2"; echo "  got:  $3"; fi
}
q() { "$tickq" -c "127.0.0.1:$1" -e "$2" 2>&1; }   # port, expression: the display
port_of() { python3 -c 'import json,sys
for p in json.load(open(sys.argv[1]))["processes"]:
    if p["name"] == sys.argv[2]: print(p.get("port", ""))' "$TICK_CONFIG" "$1"; }

# The config: the repository's, with free ports, this run's directory, and only the
# programs that are built.
python3 - "$root/config/stack.json" "$TICK_CONFIG" "$bin" <<'PY' || exit 1
import json, os, socket, sys
src, dst, bin_dir = sys.argv[1:4]
cfg = json.load(open(src))
import random
socks = []
# Below the kernel's ephemeral range: a port there cannot be taken by the local end of
# some outgoing connection (tickq -c, other tests) between this choice and the start.
LOWEST_PORT = 10000
try:
    ephemeral_low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
except (OSError, ValueError, IndexError):
    ephemeral_low = 32768
def free_port():
    while True:
        s = socket.socket()
        try:
            s.bind(("127.0.0.1", random.randrange(LOWEST_PORT, max(ephemeral_low, LOWEST_PORT + 1000))))
        except OSError:
            s.close()
            continue
        socks.append(s)      # held until all are chosen, so no two are the same
        return s.getsockname()[1]
cfg["tickerplant"]["port"] = free_port()
missing = [p["name"] for p in cfg["processes"]
           if not os.access(p["cmd"][0].replace("{bin}", bin_dir), os.X_OK)]
procs = []
for p in cfg["processes"]:
    if p["name"] in missing:
        continue
    p["after"] = [a for a in p.get("after", []) if a not in missing]
    if "port" in p:
        p["port"] = free_port()
    procs.append(p)
cfg["processes"] = procs
cfg["stack"]["start_timeout_s"] = 60   # sanitized builds start slowly
json.dump(cfg, open(dst, "w"), indent=1)
for name in missing:
    print("note: %s is not built in %s; the stack runs without it" % (name, bin_dir))
PY
have() { [ -n "$(port_of "$1")" ]; }
have_feed() { python3 -c 'import json,sys
sys.exit(0 if any(p["name"]=="feed" for p in json.load(open(sys.argv[1]))["processes"]) else 1)' "$TICK_CONFIG"; }
have_feed || { echo "FAIL the feedhandler is not built in $bin"; exit 1; }
tp=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["tickerplant"]["port"])' "$TICK_CONFIG")

if "$root/scripts/tick" start; then ok "scripts/tick start"; else fail "scripts/tick start"; exit 1; fi
for f in "$work"/run/pids/*.pid; do pids+=("$(head -n 1 "$f")"); done
status=$("$root/scripts/tick" status)
echo "$status"
check "status: every process running" "0" "$(echo "$status" | tail -n +2 | grep -vc ' running ')"
check "tickerplant answers" "\`trade\`quote" "$(q "$tp" '.u.t')"

sleep "$feed_seconds" & sleeper=$!   # in the background, so INT/TERM run the cleanup at once
wait "$sleeper"
"$root/scripts/tick" stop feed >/dev/null
sent=$(grep '^sent ' "$work/run/logs/feed.log" | tail -n 1)
echo "feed: $sent"
trades=$(sed -n 's/.* trade=\([0-9]*\).*/\1/p' <<<"$sent")
quotes=$(sed -n 's/.* quote=\([0-9]*\).*/\1/p' <<<"$sent")
check "feed dropped nothing" "dropped=0" "$(grep -o 'dropped=[0-9]*' <<<"$sent")"
if [ -z "$trades" ] || [ "$trades" -eq 0 ] || [ -z "$quotes" ] || [ "$quotes" -eq 0 ]; then
    fail "feed sent trades and quotes ($sent)"; exit 1
fi

# wait_for PORT EXPR WANT: poll until the display of EXPR is WANT; prints the last display
wait_for() {
    local got i
    for ((i = 0; i < SETTLE_POLLS; i++)); do
        got=$(q "$1" "$2")
        [ "$got" = "$3" ] && break
        sleep 0.1
    done
    echo "$got"
}

# Why an example holds nothing plausible: replay two made-up trades through its upd.
# Prints the q error it signals, or nothing when upd runs.
SAMPLE='([]time:2#0D09:30:00;sym:`ZZA`ZZB;price:10 20f;size:1 2i;stop:00b;cond:"  ";ex:"NN")'
upd_error() { # port
    local r
    r=$(q "$1" ".[upd;(\`trade;$SAMPLE);{\"'\",x}]")
    case $r in "\"'"*) echo "${r:1:-1}" ;; esac
}
declare -A example_port=()
wrong=()   # "name<TAB>check<TAB>want<TAB>got" of each failed example check
example() { # name, port, check name, expected, expression
    local got
    example_port[$1]=$2
    got=$(wait_for "$2" "$5" "$4")
    if [ "$got" = "$4" ]; then ok "$1: $3"; return; fi
    got=${got//$'\n'/ }; got=${got//$'\t'/ }   # one record per line
    wrong+=("$1"$'\t'"$3"$'\t'"$4"$'\t'"$got")
}
# After all checks (the probe changes the example's state): a wrong result fails, with
# the error its upd signals on a sample, if any, to say why.
judge_examples() {
    local entry name check want got why
    for entry in "${wrong[@]}"; do
        IFS=$'\t' read -r name check want got <<<"$entry"
        why=$(upd_error "${example_port[$name]}")
        fail "$name: $check"; echo "  want: $want"; echo "  got:  $got"
        [ -z "$why" ] || echo "  its upd signals '$why (examples/$name.q)"
    done
}
if have rdb; then
    rdb=$(port_of rdb)
    check "rdb trade rows = feed's" "$trades" "$(wait_for "$rdb" 'count trade' "$trades")"
    check "rdb quote rows = feed's" "$quotes" "$(wait_for "$rdb" 'count quote' "$quotes")"
    volume=$(q "$rdb" '"j"$exec sum size from trade')
    syms=$(q "$rdb" 'count distinct trade`sym')
    status=$("$root/scripts/tick" status rdb)
    check "status shows the rdb's row counts" "trade=$trades quote=$quotes" \
        "$(grep -o "trade=[0-9]*" <<<"$status") $(grep -o "quote=[0-9]*" <<<"$status")"
else
    echo "note: no rdb: the examples are checked against each other and the feed's counts"
    volume=$(q "$(port_of tq)" '"j"$exec sum size from tq')
    syms=$(q "$(port_of hlcv)" 'count hlcv')
fi
if have hdb; then check "hdb answers" "2" "$(q "$(port_of hdb)" '1+1')"; fi

example show "$(port_of show)" "counts = feed's" "$trades $quotes" 'tabcount`trade`quote'
example tq "$(port_of tq)" "one row per trade" "$trades" 'count tq'
example tq "$(port_of tq)" "prevailing quote of the trade's sym" "1b" \
    'all exec (bid<=ask) or null bid from tq'
example hlcv "$(port_of hlcv)" "volume = all trades'" "$volume" '"j"$exec sum size from hlcv'
example hlcv "$(port_of hlcv)" "one row per sym" "$syms" 'count hlcv'
example hlcv "$(port_of hlcv)" "low <= close <= high" "1b" 'all exec (low<=price)&price<=high from hlcv'
example last "$(port_of last)" "one trade per sym" "$syms" 'count trade'
example last "$(port_of last)" "last price = hlcv's close" \
    "$(q "$(port_of hlcv)" '"j"$100*exec sum price from hlcv')" '"j"$100*exec sum price from trade'
example vwap "$(port_of vwap)" "volume = all trades'" "$volume" '"j"$exec sum size from vwap'
example vwap "$(port_of vwap)" "vwap between the sym's low and high (from hlcv)" "1b" \
    "{hl:x\"hlcv\"; hclose x; v:select sym,vwap:price%size from vwap; (0<count v)&all exec (low<=vwap)&vwap<=high from v lj hl} hopen \`::$(port_of hlcv)"
judge_examples

"$root/scripts/tick" stop >/dev/null
left=0
for pid in "${pids[@]}"; do alive "$pid" && left=$((left + 1)); done
check "scripts/tick stop leaves no process" "0" "$left"
check "scripts/tick stop removes the pid files" "" "$(ls "$work/run/pids")"

echo "$fails failed"
[ "$fails" -eq 0 ]
