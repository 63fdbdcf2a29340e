# nginx configurations for the fake provider and the proxy_pass floor. Sourced by run.sh.
# Each runs in the foreground (daemon off), one worker unless told otherwise, so run.sh owns the master's PID.

ECHO_MODULE=${ECHO_MODULE:-/usr/lib/nginx/modules/ngx_http_echo_module.so}

# The canned Chat Completions answer: a typical short non-stream reply.
canned_completion() {
  local text="Sure. Here is a short answer to your question, with enough words to look like a real reply from a model: the gateway keeps the conversation, rebuilds the context for each turn, and relays the answer of the provider."
  printf '{"id":"chatcmpl-bench","object":"chat.completion","created":1700000000,"model":"bench-model","system_fingerprint":"fp_bench","choices":[{"index":0,"message":{"role":"assistant","content":"%s","refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":120,"completion_tokens":48,"total_tokens":168}}' "$text"
}

sse_chunk() { # delta-json finish-json
  printf '{"id":"chatcmpl-bench","object":"chat.completion.chunk","created":1700000000,"model":"bench-model","choices":[{"index":0,"delta":%s,"logprobs":null,"finish_reason":%s}]}' "$1" "$2"
}

# echo-module directives for one canned stream: a role chunk, $1 content chunks with $2 seconds between
# them, a finish chunk, a usage chunk and [DONE]. $3 (seconds) is an extra pause after the first chunk,
# for held idle streams.
sse_directives() {
  local chunks=$1 gap=$2 hold=${3:-0} i
  printf "      echo_read_request_body;\n"
  printf "      echo -n 'data: %s\\\\n\\\\n';\n      echo_flush;\n" "$(sse_chunk '{"role":"assistant","content":""}' null)"
  if [[ $hold != 0 ]]; then printf "      echo_sleep %s;\n" "$hold"; fi
  for ((i = 1; i <= chunks; i++)); do
    [[ $gap != 0 ]] && printf "      echo_sleep %s;\n" "$gap"
    printf "      echo -n 'data: %s\\\\n\\\\n';\n      echo_flush;\n" "$(sse_chunk "{\"content\":\"word$i \"}" null)"
  done
  printf "      echo -n 'data: %s\\\\n\\\\n';\n" "$(sse_chunk '{}' '"stop"')"
  printf "      echo -n 'data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"bench-model\",\"choices\":[],\"usage\":{\"prompt_tokens\":120,\"completion_tokens\":%d,\"total_tokens\":%d}}\\\\n\\\\n';\n" "$chunks" $((120 + chunks))
  printf "      echo -n 'data: [DONE]\\\\n\\\\n';\n"
}

nginx_common() { # dir name [workers]
  cat <<CONF
worker_processes ${3:-1};
daemon off;
master_process on;
pid $1/$2.pid;
error_log $1/$2-error.log warn;
worker_rlimit_nofile 65536;
CONF
}

nginx_http_common() { # dir name
  cat <<CONF
  access_log off;
  keepalive_requests 10000000;
  keepalive_timeout 600s;
  client_body_buffer_size 1m;
  client_max_body_size 64m;
  client_body_temp_path $1/$2-body;
  proxy_temp_path $1/$2-proxy;
  fastcgi_temp_path $1/$2-fcgi;
  uwsgi_temp_path $1/$2-uwsgi;
  scgi_temp_path $1/$2-scgi;
CONF
}

# fake_conf dir port chunks gap-seconds with-echo(0|1) [paced-chunks paced-gap-seconds]: with the last two,
# /paced/ serves the streaming-at-scale arm's stream (an LLM's pace: e.g. 200 chunks 20 ms apart)
fake_conf() {
  local dir=$1 port=$2 chunks=$3 gap=$4 echo=$5 paced_chunks=${6:-0} paced_gap=${7:-0}
  [[ $echo == 1 ]] && echo "load_module $ECHO_MODULE;"
  nginx_common "$dir" fake
  cat <<CONF
events { worker_connections 16384; }
http {
$(nginx_http_common "$dir" fake)
  server {
    listen 127.0.0.1:$port backlog=4096;
    location = /json/v1/chat/completions {
      default_type application/json;
      return 200 '$(canned_completion)';
    }
CONF
  if [[ $echo == 1 ]]; then
    cat <<CONF
    location = /sse/v1/chat/completions {
      default_type text/event-stream;
$(sse_directives "$chunks" "$gap")
    }
    location = /idle/v1/chat/completions {
      default_type text/event-stream;
$(sse_directives 3 0 3600)
    }
CONF
    if [[ $paced_chunks != 0 ]]; then
      cat <<CONF
    location = /paced/v1/chat/completions {
      default_type text/event-stream;
$(sse_directives "$paced_chunks" "$paced_gap")
    }
CONF
    fi
  fi
  echo "  }"
  echo "}"
}

# floor_conf dir port upstream-port [workers]: the least a reverse proxy does (keep-alive pool, streams
# unbuffered); with more than one worker, reuseport gives each its own listening socket, so the kernel
# spreads connections over them (as Vert.x spreads them over its event loops)
floor_conf() {
  local dir=$1 port=$2 upstream=$3 workers=${4:-1} name=floor
  [[ $workers == 1 ]] || name=floor$workers
  nginx_common "$dir" "$name" "$workers"
  cat <<CONF
events { worker_connections 16384; }
http {
$(nginx_http_common "$dir" "$name")
  upstream fake { server 127.0.0.1:$upstream; keepalive 1024; keepalive_requests 10000000; }
  server {
    listen 127.0.0.1:$port backlog=4096$([[ $workers == 1 ]] || echo " reuseport");
    proxy_http_version 1.1;
    proxy_set_header Connection "";
    proxy_read_timeout 3600s;
    location /json/ { proxy_pass http://fake; }
    location /sse/ { proxy_pass http://fake; proxy_buffering off; }
    location /idle/ { proxy_pass http://fake; proxy_buffering off; }
    location /paced/ { proxy_pass http://fake; proxy_buffering off; }
  }
}
CONF
}
