#!/usr/bin/env bash
# Issue 17 §5 and §7, tried for real: nginx (deploy/nginx/jianfu.conf, unchanged but for ports,
# paths and a self-signed certificate) in front of two jianfu servers on one PostgreSQL
# database; the smoke test through it, a login answered by one server and the next request by
# the other (each server's request log names the request ids it served); then the PostgreSQL
# backup and restore procedure of the README (pg_dump, pg_restore into a new database, a third
# server on it, the audit chain and one certificate checked).
#
#   deploy/test-proxy.sh BIN PG_ADMIN_URL
#
# BIN is the jianfu binary, PG_ADMIN_URL a PostgreSQL URL that may create databases (e.g.
# postgres://postgres@127.0.0.1:5432/postgres). Needs nginx, openssl, curl, psql, pg_dump and
# pg_restore. Uses ports 18780–18784 unless JIANFU_PROXY_PORT_BASE says otherwise, and the
# loopback addresses 127.0.0.2 (nginx's side towards the servers) and 127.0.0.3 (a client).
# Leaves everything in a scratch directory, removed on success.
set -euo pipefail

BIN=${1:?usage: deploy/test-proxy.sh BIN PG_ADMIN_URL}
PG_ADMIN=${2:?usage: deploy/test-proxy.sh BIN PG_ADMIN_URL}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BASEPORT=${JIANFU_PROXY_PORT_BASE:-18780}
P1=$BASEPORT P2=$((BASEPORT + 1)) P3=$((BASEPORT + 2)) TLS=$((BASEPORT + 3)) PLAIN=$((BASEPORT + 4))
PASSWORD='Jianfu@2026'
WORK=$(mktemp -d /tmp/jianfu-proxy.XXXXXX)
DB=jianfu_proxy_$$
DB2=jianfu_restored_$$
PIDS=()
NGINX_STARTED=0
T0=$SECONDS

log() { printf '    %s\n' "$*"; }
fail() {
  printf '\nFAIL (deploy/test-proxy.sh): %s\n' "$*" >&2
  for f in "$WORK"/server-?.log "$WORK"/nginx-*.log; do
    [[ -s $f ]] || continue
    printf -- '--- last 30 lines of %s ---\n' "$f" >&2
    tail -n 30 "$f" >&2 || true
  done
  exit 1
}
db_url() {
  local base=${PG_ADMIN%%\?*}
  printf '%s/%s' "${base%/*}" "$1"
}
cleanup() {
  local rc=$?
  if [[ $NGINX_STARTED -eq 1 ]]; then
    nginx -c "$WORK/nginx.conf" -p "$WORK/nginx" -s stop 2>/dev/null || true
  fi
  local p
  for p in "${PIDS[@]}"; do
    kill "$p" 2>/dev/null || true
  done
  for p in "${PIDS[@]}"; do
    wait "$p" 2>/dev/null || true
  done
  psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  psql -q "$PG_ADMIN" -c "DROP DATABASE IF EXISTS $DB2 WITH (FORCE)" >/dev/null 2>&1 || true
  if [[ $rc -eq 0 ]]; then rm -rf "$WORK"; else echo "    scratch directory kept: $WORK" >&2; fi
}
trap cleanup EXIT

for tool in nginx openssl curl psql pg_dump pg_restore; do
  command -v "$tool" >/dev/null || fail "$tool is not installed"
done
[[ -x $BIN ]] || fail "$BIN is not an executable"

# ---------------------------------------------------------------------------------------
# Two servers on one PostgreSQL database, trusting nginx's address only.
psql -q "$PG_ADMIN" -c "CREATE DATABASE $DB" >/dev/null
export JIANFU_AUDIT_KEY
JIANFU_AUDIT_KEY=$(openssl rand -hex 32)
export JIANFU_LOG=info
mkdir -p "$WORK/data" "$WORK/nginx"
cat >"$WORK/data/jianfu.toml" <<TOML
trusted_proxies = ["127.0.0.2"]
secure_cookies = true
public_url = "https://127.0.0.1:$TLS"
TOML
URL=$(db_url "$DB")
"$BIN" --data-dir "$WORK/data" --database "$URL" init --demo >"$WORK/init.log" 2>&1 ||
  fail "jianfu init --demo on PostgreSQL failed"

start_server() { # name port url
  "$BIN" --data-dir "$WORK/data" --database "$3" serve --listen "127.0.0.1:$2" \
    </dev/null >"$WORK/$1.log" 2>&1 &
  PIDS+=($!)
}
wait_up() { # base-url name
  local i
  for i in $(seq 1 60); do
    curl -fsS -o /dev/null "$1/healthz" 2>/dev/null && return 0
    sleep 0.5
  done
  fail "$2 did not answer /healthz within 30 s"
}
start_server server-a "$P1" "$URL"
start_server server-b "$P2" "$URL"
wait_up "http://127.0.0.1:$P1" server-a
wait_up "http://127.0.0.1:$P2" server-b
log "two servers on PostgreSQL database $DB: 127.0.0.1:$P1 (a), 127.0.0.1:$P2 (b)"

# ---------------------------------------------------------------------------------------
# nginx with deploy/nginx/jianfu.conf: only ports, paths and the certificate differ, and it
# connects to the servers from 127.0.0.2 (so that its address differs from the test's).
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
  -addext subjectAltName=DNS:localhost,IP:127.0.0.1 \
  -keyout "$WORK/privkey.pem" -out "$WORK/fullchain.pem" >"$WORK/openssl.log" 2>&1 ||
  fail "openssl could not make a self-signed certificate"
sed -e "s#127.0.0.1:8081#127.0.0.1:$P1#; s#127.0.0.1:8082#127.0.0.1:$P2#" \
  -e "s#listen 443 ssl http2;#listen 127.0.0.1:$TLS ssl http2;#; s#listen 80;#listen 127.0.0.1:$PLAIN;#" \
  -e '/listen \[::\]/d' \
  -e "s#/etc/ssl/jianfu/#$WORK/#" \
  -e "s#/var/cache/nginx/jianfu-static#$WORK/nginx/cache#" \
  -e "s#/var/log/nginx/jianfu.access.log#$WORK/nginx-access.log#" \
  -e 's#proxy_http_version 1.1;#proxy_http_version 1.1;\n    proxy_bind 127.0.0.2;#' \
  "$HERE/nginx/jianfu.conf" >"$WORK/jianfu.conf"
cat >"$WORK/nginx.conf" <<NGINX
$( [[ $(id -u) -eq 0 ]] && echo 'user root;' )
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 256; }
http {
    include /etc/nginx/mime.types;
    client_body_temp_path $WORK/nginx/body;
    proxy_temp_path $WORK/nginx/proxy;
    fastcgi_temp_path $WORK/nginx/fastcgi;
    uwsgi_temp_path $WORK/nginx/uwsgi;
    scgi_temp_path $WORK/nginx/scgi;
    include $WORK/jianfu.conf;
}
NGINX
nginx -t -c "$WORK/nginx.conf" -p "$WORK/nginx" >"$WORK/nginx-t.log" 2>&1 ||
  { cat "$WORK/nginx-t.log" >&2; fail "nginx -t refused deploy/nginx/jianfu.conf"; }
nginx -c "$WORK/nginx.conf" -p "$WORK/nginx" || fail "nginx did not start"
NGINX_STARTED=1
BASE="https://127.0.0.1:$TLS"
CURL=(curl -sS --cacert "$WORK/fullchain.pem" --interface 127.0.0.3)
for _ in $(seq 1 20); do
  "${CURL[@]}" -o /dev/null "$BASE/livez" 2>/dev/null && break
  sleep 0.25
done
log "nginx $(nginx -v 2>&1 | sed 's#.*/##') on $BASE (TLS, certificate checked against the self-signed one)"

# The request id of a response (nginx's $request_id, which the server took and echoed).
rid() { tr -d '\r' <"$1" | sed -n 's/^[Xx]-[Rr]equest-[Ii]d: *//p' | tail -n 1; }
# Which server logged request id $1.
served_by() {
  local who=""
  grep -qF "request_id=$1" <(sed 's/\x1b\[[0-9;]*m//g' "$WORK/server-a.log") && who+=a
  grep -qF "request_id=$1" <(sed 's/\x1b\[[0-9;]*m//g' "$WORK/server-b.log") && who+=b
  echo "${who:-none}"
}

# --- plain HTTP is sent to HTTPS
status=$(curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' --interface 127.0.0.3 "http://127.0.0.1:$PLAIN/lookup")
[[ $status == "301 https://127.0.0.1/lookup" || $status == 301\ https://127.0.0.1:*/lookup ]] ||
  fail "http:// answered '$status', expected a 301 to https"
log "http:// → 301 to https"

# --- the smoke test through the proxy: log in on one server, the next request on the other
JAR=$WORK/jar.txt
H=$WORK/headers.txt
PAGE=$WORK/page.html
status=$("${CURL[@]}" -D "$H" -o "$PAGE" -w '%{http_code}' -c "$JAR" "$BASE/login")
[[ $status == 200 ]] || fail "GET /login through nginx answered $status"
grep -qi '^set-cookie:.*; *secure' "$H" || fail "cookies over the proxy are not marked Secure"
csrf=$(grep -o '<input[^>]*name="csrf_token"[^>]*>' "$PAGE" | head -n 1 | sed -n 's/.*value="\([^"]*\)".*/\1/p')
[[ -n $csrf ]] || fail "GET /login has no csrf_token"
status=$("${CURL[@]}" -D "$H" -o "$PAGE" -w '%{http_code}' -b "$JAR" -c "$JAR" -H "Origin: $BASE" \
  --data-urlencode username=sysadmin --data-urlencode "password=$PASSWORD" \
  --data-urlencode "csrf_token=$csrf" "$BASE/login")
[[ $status == 303 ]] || fail "POST /login through nginx answered $status, expected 303"
login_id=$(rid "$H")
[[ -n $login_id ]] || fail "POST /login has no X-Request-Id"
sleep 0.3
login_by=$(served_by "$login_id")
[[ $login_by == a || $login_by == b ]] || fail "request $login_id (POST /login) is in no single server's log ($login_by)"
status=$("${CURL[@]}" -D "$H" -o "$PAGE" -w '%{http_code}' -b "$JAR" -c "$JAR" "$BASE/")
[[ $status == 200 ]] || fail "GET / after the login answered $status"
grep -qF '鞍山市' "$PAGE" || fail "GET / after the login does not show 鞍山市"
grep -qF '退出' "$PAGE" || fail "GET / after the login does not show the logged-in page (退出)"
next_id=$(rid "$H")
sleep 0.3
next_by=$(served_by "$next_id")
[[ $next_by == a || $next_by == b ]] || fail "request $next_id (GET /) is in no single server's log ($next_by)"
[[ $login_by != "$next_by" ]] ||
  fail "the login and the next request were both served by server $login_by (round robin expected)"
log "POST /login served by server $login_by (request $login_id), the next GET / by server $next_by (request $next_id), logged in"

# --- the client address is the one nginx saw, taken only from the trusted proxy
line=$(sed 's/\x1b\[[0-9;]*m//g' "$WORK/server-$next_by.log" | grep -F "request_id=$next_id" | tail -n 1)
grep -qF 'client=127.0.0.3' <<<"$line" || fail "the server did not see the client behind nginx as 127.0.0.3: $line"
spoof=$("${CURL[@]}" -D "$H" -o /dev/null -w '%{http_code}' -H 'X-Forwarded-For: 203.0.113.7' "$BASE/livez")
sleep 0.3
spoof_id=$(rid "$H")
line=$(sed 's/\x1b\[[0-9;]*m//g' "$WORK"/server-?.log | grep -F "request_id=$spoof_id" | tail -n 1)
grep -qF 'client=127.0.0.3' <<<"$line" || fail "a client's own X-Forwarded-For went through: $line"
direct_id=direct-$$-check
curl -sS -o /dev/null -H 'X-Forwarded-For: 203.0.113.7' -H "X-Request-Id: $direct_id" "http://127.0.0.1:$P1/livez"
sleep 0.3
line=$(sed 's/\x1b\[[0-9;]*m//g' "$WORK/server-a.log" | grep -F "request_id=$direct_id" | tail -n 1)
grep -qF 'client=127.0.0.1' <<<"$line" || fail "X-Forwarded-For from an untrusted peer was believed: $line"
log "client address: 127.0.0.3 behind nginx; a client's own X-Forwarded-For ignored (via nginx $spoof, and directly)"

# --- the rest of the smoke test: pages, API, static files with cache and gzip, /metrics closed
for path in /lookup /policy /guides /api/v1/openapi.json; do
  status=$("${CURL[@]}" -o "$PAGE" -w '%{http_code}' -b "$JAR" "$BASE$path")
  [[ $status == 200 ]] || fail "GET $path through nginx answered $status"
done
# (The server varies on Accept-Encoding: both requests ask for gzip, as browsers do.)
"${CURL[@]}" -o /dev/null -H 'Accept-Encoding: gzip' "$BASE/static/app.css"
"${CURL[@]}" -D "$H" -o "$PAGE" -H 'Accept-Encoding: gzip' "$BASE/static/app.css"
tr -d '\r' <"$H" | grep -qi '^x-cache: HIT' || fail "the second /static/app.css was not served from nginx's cache"
tr -d '\r' <"$H" | grep -qi '^cache-control: public, max-age=86400' || fail "/static/app.css has no long Cache-Control"
tr -d '\r' <"$H" | grep -qi '^content-encoding: gzip' || fail "/static/app.css is not gzipped"
status=$("${CURL[@]}" -o /dev/null -w '%{http_code}' "$BASE/metrics")
[[ $status == 404 ]] || fail "GET /metrics through nginx answered $status, expected 404"
status=$(curl -sS -o "$PAGE" -w '%{http_code}' "http://127.0.0.1:$P1/metrics")
[[ $status == 200 ]] || fail "GET /metrics on the server's own loopback address answered $status"
grep -q '^jianfu_db_pool_connections{pool="primary"}' "$PAGE" || fail "/metrics has no pool figures"
log "pages and API 200; /static/ cached by nginx (HIT), Cache-Control max-age=86400, gzip; /metrics 404 on the proxy, 200 on the server"
# A request with an error page: its id is on the page.
status=$("${CURL[@]}" -D "$H" -o "$PAGE" -w '%{http_code}' "$BASE/no-such-page")
[[ $status == 404 ]] || fail "GET /no-such-page answered $status"
grep -qF "请求编号" "$PAGE" && grep -qF "$(rid "$H")" "$PAGE" || fail "the error page does not show its request id"
log "error page shows 请求编号 $(rid "$H") (nginx's \$request_id)"

# ---------------------------------------------------------------------------------------
# The README's PostgreSQL backup and restore: pg_dump of the database the smoke test used,
# pg_restore into a new one, a server on it, the audit chain and one certificate.
DUMP=$WORK/jianfu.dump
pg_dump --format=custom --no-owner --file="$DUMP" "$URL" || fail "pg_dump failed"
psql -q "$PG_ADMIN" -c "CREATE DATABASE $DB2" >/dev/null
URL2=$(db_url "$DB2")
pg_restore --no-owner --exit-on-error --dbname="$URL2" "$DUMP" || fail "pg_restore failed"
n1=$(psql -tA "$URL" -c 'SELECT COUNT(*) FROM audit_entry')
n2=$(psql -tA "$URL2" -c 'SELECT COUNT(*) FROM audit_entry')
[[ $n1 == "$n2" && $n1 -gt 0 ]] || fail "the restored database has $n2 audit entries, the dumped one $n1"
"$BIN" --data-dir "$WORK/data" --database "$URL2" audit verify >"$WORK/verify.log" 2>&1 ||
  fail "jianfu audit verify on the restored database failed: $(cat "$WORK/verify.log")"
grep -qF '审计日志完整' "$WORK/verify.log" || fail "audit verify did not report the chain whole"
start_server server-c "$P3" "$URL2"
wait_up "http://127.0.0.1:$P3" server-c
read -r serial code < <(psql -tA -F ' ' "$URL2" -c "SELECT serial, check_code FROM certificate WHERE status = 'issued' ORDER BY id LIMIT 1")
[[ -n ${serial:-} ]] || fail "the restored database has no issued certificate"
status=$(curl -sS -o "$PAGE" -w '%{http_code}' "http://127.0.0.1:$P3/api/v1/verify?serial=$serial&code=$code")
[[ $status == 200 ]] && grep -qF '"state":"authentic"' "$PAGE" ||
  fail "certificate $serial on the restored database: $status $(head -c 300 "$PAGE")"
log "pg_dump ($(du -k "$DUMP" | cut -f1) KB) → pg_restore into $DB2: $n2 audit entries, chain whole; certificate $serial authentic on a server over the restored database"
log "deploy/test-proxy.sh passed in $((SECONDS - T0)) s"
