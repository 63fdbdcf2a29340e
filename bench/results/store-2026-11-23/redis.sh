#!/bin/bash
# usage: redis.sh label jar port redisport
label=$1 jar=$2 port=$3 rport=$4
B=/tmp/storebench
redis-server --port $rport --save '' --appendonly no --daemonize yes --pidfile $B/redis-$rport.pid >/dev/null
sleep 0.5
PARLEY_PORT=$port PARLEY_EVENT_LOOPS=1 PARLEY_REDIS_URL=redis://127.0.0.1:$rport java -XX:ActiveProcessorCount=1 -jar $jar > $B/$label-redis.out 2>&1 &
pid=$!
for i in $(seq 60); do curl -sf localhost:$port/readyz >/dev/null && break; sleep 0.5; done
post() { curl -s localhost:$port/v1/responses -H 'content-type: application/json' -d "$1" | sed -E 's/^\{"id":"([^"]+)".*/\1/'; }
body() { printf '{"model":"bench-model","input":"Please summarise the main trade-offs of keeping conversation state in a gateway, in three sentences."%s}' "$1"; }
prev=$(post "$(body '')")
for i in 1 2 3; do prev=$(post "$(body ",\"previous_response_id\":\"$prev\"")"); done   # warm: chain of 4, cached
for n in 1 2 3; do
  redis-cli -p $rport INFO all > $B/b.txt
  prev=$(post "$(body ",\"previous_response_id\":\"$prev\"")")
  redis-cli -p $rport INFO all > $B/a.txt
  echo "$label continued turn $n: $(node /work/wt-store/bench/lib/redis-delta.mjs $B/b.txt $B/a.txt)"
done
redis-cli -p $rport INFO all > $B/b.txt; redis-cli -p $rport INFO all > $B/a.txt
echo "$label INFO-only overhead: $(node /work/wt-store/bench/lib/redis-delta.mjs $B/b.txt $B/a.txt)"
kill $pid; wait $pid 2>/dev/null
redis-cli -p $rport shutdown nosave >/dev/null 2>&1
