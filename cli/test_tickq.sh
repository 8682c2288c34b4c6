#!/bin/sh
# test_tickq.sh: tickq end to end: -e, exit status, piped console lines, a script with
# .z.x, \\, -p with the remote console -c on a free port, and the runtime's .z.w .z.pc .z.pg.
# Usage: test_tickq.sh path/to/tickq      SPDX-License-Identifier: MIT
set -u
TICKQ=$1
fails=0
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

check() {  # name, expected, actual
    if [ "$2" = "$3" ]; then echo "ok   $1"; else
        echo "FAIL $1"; echo "  want: $2"; echo "  got:  $3"; fails=$((fails + 1)); fi
}

check "-e prints the display" "2" "$("$TICKQ" -e '1+1')"
check "-e table" "$(printf 'a b\n---\n1 x\n2 y')" "$("$TICKQ" -e '([]a:1 2;b:`x`y)' | sed 's/ *$//')"
"$TICKQ" -e '1+`a' >/dev/null 2>"$dir/err"; rc=$?
check "-e error exits 1" "1" "$rc"
check "-e error text" "'type" "$(cat "$dir/err")"
check "assignment prints nothing" "" "$(printf 'a:1\n' | "$TICKQ")"
check "lines until \\\\" "$(printf '1\n2')" "$(printf '1\n2\n\\\\\n3\n' | "$TICKQ")"
printf 'f:{x*2}\nb:f 21\n' >"$dir/s.q"
check "script and .z.x" "$(printf '42\n(,"p";,"q")')" "$("$TICKQ" "$dir/s.q" p q -e '(b;.z.x)')"

"$TICKQ" -e '.z.exit:{-1"bye ",string x};exit 3' >"$dir/out" 2>&1; rc=$?
check "exit n leaves with status n" "3" "$rc"
check ".z.exit runs with the code" "bye 3" "$(cat "$dir/out")"
check "exit of a symbol is 'type" "1" "$("$TICKQ" -e 'exit`a' >/dev/null 2>&1; echo $?)"
printf '.z.exit:{-1"left ",string x}\n-1"one";\n\\\\\n-1"two";\n' >"$dir/x.q"
check "\\\\ in a script exits after .z.exit" "$(printf 'one\nleft 0')" "$("$TICKQ" "$dir/x.q" </dev/null)"
check "\\\\ at the console runs .z.exit" "left 0" "$(printf '.z.exit:{-1"left ",string x}\n\\\\\n' | "$TICKQ")"

port=$((20000 + $$ % 20000))
"$TICKQ" -p "$port" </dev/null >"$dir/srv" 2>&1 &
server=$!  # serves on after its stdin ends, as q does
tries=0
until "$TICKQ" -c ":$port" -e '::' >/dev/null 2>&1 || [ $tries -ge 50 ]; do
    sleep 0.1; tries=$((tries + 1)); done
check "-c -e sync string" "12 23 35" "$("$TICKQ" -c ":$port" -e '2 3 5 + 10 20 30')"
check "-c lines" "6" "$(printf 'a:3\na*2\n' | "$TICKQ" -c "localhost:$port")"
"$TICKQ" -c ":$port" -e '1+`a' >/dev/null 2>&1; rc=$?
check "-c -e error exits 1" "1" "$rc"
check ".z.w is the caller's handle" "1b" "$("$TICKQ" -c ":$port" -e '.z.w>0')"
"$TICKQ" -c ":$port" -e 'pcs:0#0i;.z.pc:{pcs,:x}' >/dev/null 2>&1
check ".z.pc runs on close" "1b" "$("$TICKQ" -c ":$port" -e '0<count pcs')"
"$TICKQ" -c ":$port" -e '.z.pg:{$[x~"ping";`pong;value x]}' >/dev/null 2>&1
check ".z.pg handles sync requests" "\`pong" "$("$TICKQ" -c ":$port" -e 'ping')"
# q-side IPC: hopen, sync strings and (f;args) lists, async neg h with the h"" chaser
check "hopen: the seed's examples" "$(printf '12 23 35\n1b\n20 60 150')" \
    "$("$TICKQ" -e "h:hopen \`::$port; (neg h) \"a:3?20\"; h\"\"; r:(h \"2 3 5 + 10 20 30\";3=h \"count a\";h (\"{x*y}\";2 3 5;10 20 30)); hclose h; r" 2>&1 | sed 's/ *$//')"
check "hopen a refused port" "1" "$("$TICKQ" -e 'hopen `::1' >/dev/null 2>&1; echo $?)"
printf 'h:hopen `::%s\nh "sub:1"\n' "$port" >"$dir/client.q"
"$TICKQ" "$dir/client.q" </dev/null >/dev/null 2>&1 &
client=$!   # a script with an open handle keeps running, as an r.q does
sleep 0.5
check "a script with a handle keeps running" "0" "$(kill -0 $client 2>/dev/null; echo $?)"
kill "$client" 2>/dev/null
wait "$client" 2>/dev/null
# HTTP on the same port: the page of names, and the .z.ph and .z.pw hooks
if command -v curl >/dev/null; then
    "$TICKQ" -c ":$port" -e 'tt:([]x:1 2 3)' >/dev/null 2>&1
    check "GET / lists tables with rows" "1" "$(curl -s "http://127.0.0.1:$port/" | grep -c '?tt">tt</a> 3 rows')"
    # .z.ph is defined from the start, as in kdb+: a wrapper can log and call it
    check ".z.ph is a lambda by default" "100h" "$("$TICKQ" -c ":$port" -e 'type .z.ph')"
    "$TICKQ" -c ":$port" -e 'zph:.z.ph;hits:0;.z.ph:{hits+::1;zph x}' >/dev/null 2>&1
    check "a wrapped .z.ph still evaluates ?expr" "1" "$(curl -s "http://127.0.0.1:$port/?1+2" | grep -c '<pre>3')"
    check "the wrapper ran" "1" "$("$TICKQ" -c ":$port" -e 'hits')"
    check "the default .z.ph called from q gives the page" "1" \
        "$("$TICKQ" -c ":$port" -e 'zph ("?2*3";()!())' | grep -c 'pre>6')"
    "$TICKQ" -c ":$port" -e '.z.ph:{"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi"}' >/dev/null 2>&1
    check ".z.ph answers GET" "hi" "$(curl -s "http://127.0.0.1:$port/any")"
fi
check "the default .z.ph refuses a request that is not text" "'type" "$("$TICKQ" -e '.z.ph 42' 2>&1)"
check "the default .z.ph with no connection still gives the page" "1" \
    "$("$TICKQ" -e '.z.ph ("?1+1";()!())' | grep -c 'pre>2')"
"$TICKQ" -c ":$port" -e '.z.pw:{[u;p] p~"secret"}' >/dev/null 2>&1
check ".z.pw refuses a wrong password" "1" "$("$TICKQ" -c ":$port" -e '1' >/dev/null 2>&1; echo $?)"
check ".z.pw admits the right one" "1" "$("$TICKQ" -e "h:hopen \`::$port:u:secret; h\"0+1\"")"
kill "$server"
wait "$server" 2>/dev/null

# -U password file: plain and MD5 entries admit, anything else is refused
printf 'alice:secret\nbob:5f4dcc3b5aa765d61d8327deb882cf99\n' >"$dir/pw"
port2=$((port + 1))
"$TICKQ" -p "$port2" -U "$dir/pw" </dev/null >"$dir/srv2" 2>&1 &
server2=$!
tries=0
until "$TICKQ" -e "hopen \`::$port2:alice:secret" >/dev/null 2>&1 || [ $tries -ge 50 ]; do
    sleep 0.1; tries=$((tries + 1)); done
check "-U plain password" "2" "$("$TICKQ" -e "h:hopen \`::$port2:alice:secret; h\"1+1\"")"
check "-U md5 password" "3" "$("$TICKQ" -e "h:hopen \`::$port2:bob:password; h\"1+2\"")"
check "-U wrong password" "'access" "$("$TICKQ" -e "hopen \`::$port2:bob:wrong" 2>&1)"
kill "$server2"
wait "$server2" 2>/dev/null
check "-U missing file refuses to start" "1" "$("$TICKQ" -p 0 -U "$dir/none" </dev/null >/dev/null 2>&1; echo $?)"

[ $fails -eq 0 ] && echo "all passed" || echo "$fails failed"
exit $fails
