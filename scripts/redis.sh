# Shared by test.sh and load.sh (sourced, not run): throwaway redis-servers
# on loopback for tests and measurements.

# free_port FROM TO prints the first loopback port in FROM..TO that nothing
# listens on (and, with a second argument "cluster", whose +10000 bus port
# is free too).
free_port() {
  local p
  for p in $(seq "$1" "$2"); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null &&
      { [ "${3:-}" != cluster ] || ! (exec 3<>"/dev/tcp/127.0.0.1/$((p + 10000))") 2>/dev/null; }; then
      echo "$p"
      return 0
    fi
  done
  echo "no free port in $1..$2" >&2
  return 1
}

# start_redis PORT DIR [redis-server flags...] starts redis-server in the
# background on 127.0.0.1:PORT with its files in DIR, sets REDIS_STARTED_PID,
# and waits until it answers PING (failing with its log otherwise).
start_redis() {
  local port=$1 dir=$2
  shift 2
  redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --save '' \
    --daemonize no --logfile "$dir/redis.log" "$@" &
  REDIS_STARTED_PID=$!
  for _ in $(seq 1 100); do
    if redis-cli -p "$port" ping 2>/dev/null | grep -q PONG; then return 0; fi
    sleep 0.1
  done
  echo "redis-server on port $port did not start:" >&2
  cat "$dir/redis.log" >&2
  return 1
}
