#!/bin/bash
# usage: mem.sh label jar port seconds
label=$1 jar=$2 port=$3 secs=$4
B=/tmp/storebench
printf '{"model":"bench-model","input":"Please summarise the main trade-offs of keeping conversation state in a gateway, in three sentences."}' > $B/first.json
PARLEY_PORT=$port PARLEY_EVENT_LOOPS=1 taskset -c 1 java -XX:ActiveProcessorCount=1 -Xms1g -Xmx3g -Xlog:gc:file=$B/$label-gc.log -jar $jar > $B/$label.out 2>&1 &
pid=$!
for i in $(seq 60); do curl -sf localhost:$port/readyz >/dev/null && break; sleep 0.5; done
curl -s localhost:$port/v1/responses -H 'content-type: application/json' -d @$B/first.json | head -c 300; echo
BENCH_LIB=/work/wt-store/bench/lib BENCH_BODY=$B/first.json taskset -c 0 wrk -t1 -c16 -d${secs}s --latency -s /work/wt-store/bench/lib/post.lua http://127.0.0.1:$port/v1/responses > $B/$label-wrk.txt 2>&1
grep -E "requests in|Requests/sec|99%|50%|Non-2xx" $B/$label-wrk.txt
jcmd $pid GC.run >/dev/null; sleep 1; jcmd $pid GC.heap_info | grep -E "generation|Metaspace"
jcmd $pid GC.class_histogram > $B/$label-histo.txt; head -9 $B/$label-histo.txt; tail -1 $B/$label-histo.txt
awk '/Pause/ { n++; ms=$NF; sub("ms","",ms); t+=ms; if (ms>m) m=ms } END { printf "gc pauses: %d, total %.0f ms, longest %.0f ms\n", n, t, m }' $B/$label-gc.log
kill $pid; wait $pid 2>/dev/null
