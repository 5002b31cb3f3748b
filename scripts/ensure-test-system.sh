#!/usr/bin/env bash
# What the test suites need from the system, ensured before `npm test` runs them (and so before CI's):
#   redis-server   (the Redis restart and flush tests start their own; a Redis must answer)
#   python3-gitlab (the simulator is tested with GitLab's third-party Python client, /usr/bin/python3)
#   chromium       (the dashboard's browser tests drive /usr/bin/chromium; they fail, never skip)
# Missing packages are installed with apt-get when this runs as root; otherwise it stops, naming each
# missing package and the command that installs it. Then a Redis must answer on 127.0.0.1:6379 and
# at TEST_REDIS_URL (as test/helpers/redis.ts reads it): a local one is started if none does.
# When everything is present it makes no apt call and takes a few milliseconds.
#
# Overrides, for test/unit/ensure-test-system.test.ts only (the defaults are what the suites use):
#   TRELLIS_SYSTEM_CHROMIUM, TRELLIS_SYSTEM_PYTHON, TRELLIS_SYSTEM_REDIS_SERVER  where each is looked for
#   TRELLIS_SYSTEM_UID      the user id to act as (anything but 0: not root, so nothing is installed)
#   TRELLIS_SYSTEM_APT_GET  the apt-get to run ('' : as if there were none)
#   TRELLIS_SYSTEM_REDIS_PORT  the local port instead of 6379
set -euo pipefail

chromium=${TRELLIS_SYSTEM_CHROMIUM-/usr/bin/chromium}
python=${TRELLIS_SYSTEM_PYTHON-/usr/bin/python3}
redis_server=${TRELLIS_SYSTEM_REDIS_SERVER-redis-server}
uid=${TRELLIS_SYSTEM_UID-$(id -u)}
apt_get=${TRELLIS_SYSTEM_APT_GET-$(command -v apt-get || true)}
redis_url=${TEST_REDIS_URL:-redis://127.0.0.1:6379}

say() { echo "ensure-test-system: $*" >&2; }

missing() {
  local need=()
  command -v "$redis_server" >/dev/null 2>&1 || need+=(redis-server)
  "$python" -c 'import gitlab' >/dev/null 2>&1 || need+=(python3-gitlab)
  [ -x "$chromium" ] || need+=(chromium)
  echo "${need[*]:-}"
}

need=$(missing)
if [ -n "$need" ]; then
  install="apt-get update && apt-get install -y $need"
  if [ "$uid" != 0 ] || [ -z "$apt_get" ]; then
    why=$([ "$uid" != 0 ] && echo "not running as root" || echo "apt-get is not available")
    say "the tests need Debian packages that are missing: $need"
    for pkg in $need; do
      case $pkg in
        redis-server) say "  redis-server: $redis_server is not on PATH" ;;
        python3-gitlab) say "  python3-gitlab: $python cannot import gitlab" ;;
        chromium) say "  chromium: $chromium is missing" ;;
      esac
    done
    say "$why, so nothing was installed; install them with:"
    say "  sudo apt-get update && sudo apt-get install -y $need"
    exit 1
  fi
  say "installing $need"
  # shellcheck disable=SC2086 # one word per package
  "$apt_get" update -qq && DEBIAN_FRONTEND=noninteractive "$apt_get" install -y -qq $need >/dev/null
  still=$(missing)
  if [ -n "$still" ]; then
    say "still missing after apt-get install: $still; install them with:"
    say "  $install"
    exit 1
  fi
fi

# Redis. Some suites use 127.0.0.1:6379 itself; the rest use TEST_REDIS_URL (test/helpers/redis.ts),
# which CI may point at a Redis service of its own. A local one is started when none answers.
answers() {
  # A PING over bash's /dev/tcp, so the check needs no redis-cli.
  (exec 3<>"/dev/tcp/$1/$2" && printf 'PING\r\n' >&3 && IFS= read -r -t 1 reply <&3 && [[ $reply == +PONG* || $reply == -NOAUTH* ]]) 2>/dev/null
}

ensure_redis() { # host port
  answers "$1" "$2" && return 0
  case $1 in
    127.0.0.1 | localhost) ;;
    *)
      for _ in $(seq 1 100); do answers "$1" "$2" && return 0; sleep 0.1; done
      say "nothing answers at $redis_url, which is not on this machine: start that Redis, or unset TEST_REDIS_URL"
      exit 1 ;;
  esac
  say "starting $redis_server on 127.0.0.1:$2 (no persistence)"
  "$redis_server" --daemonize yes --bind 127.0.0.1 --port "$2" --save '' --appendonly no >/dev/null
  for _ in $(seq 1 50); do answers 127.0.0.1 "$2" && return 0; sleep 0.1; done
  say "started $redis_server on 127.0.0.1:$2 but it does not answer"
  exit 1
}

hostport=${redis_url#redis://}
hostport=${hostport##*@}
hostport=${hostport%%/*}
host=${hostport%:*}
port=${hostport##*:}
[ "$port" = "$hostport" ] && port=6379

ensure_redis 127.0.0.1 "${TRELLIS_SYSTEM_REDIS_PORT:-6379}"
[ "$host:$port" = "127.0.0.1:${TRELLIS_SYSTEM_REDIS_PORT:-6379}" ] || ensure_redis "$host" "$port"
