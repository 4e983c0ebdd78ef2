#!/usr/bin/env bash
# Build the image from deploy/Dockerfile and smoke-test it against the fake Bot API:
# the container answers a question in a private chat, logs its start line, stops cleanly on
# SIGTERM, and keeps its index in the volume across a restart (built once, then loaded).
#
#   deploy/smoke-image.sh [IMAGE]            # default IMAGE: newsbot:smoke
#
# Needs podman (or CONTAINER_ENGINE=docker) and python3 on the host (the fake server,
# tests/fakebotapi.py, is standard library only). The defaults of SMOKE_BUILD_FLAGS and
# SMOKE_RUN_FLAGS are what a container-in-a-VM without crun needs; on an ordinary machine
# SMOKE_BUILD_FLAGS="--network host" SMOKE_RUN_FLAGS="--network host" will do.
# The base image (python:3.11-slim) must be pullable or present locally.
set -euo pipefail
cd "$(dirname "$0")/.."

ENGINE=${CONTAINER_ENGINE:-podman}
IMAGE=${1:-newsbot:smoke}
PORT=${FAKE_API_PORT:-18081}
TOKEN=123456789:AAFakeTokenForTestsOnly-abcdefghijkl  # the fake server's, not a real one
NAME=newsbot-smoke-$$
VOLUME=newsbot-smoke-$$
read -r -a BUILD_FLAGS <<< "${SMOKE_BUILD_FLAGS:---isolation chroot --network host}"
read -r -a RUN_FLAGS <<< "${SMOKE_RUN_FLAGS:---runtime runc --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 --network host}"
WORK=$(mktemp -d)

FAKE=""  # the process id of the fake Bot API server while one runs

cleanup() {
    [[ -n $FAKE ]] && kill "$FAKE" 2>/dev/null
    "$ENGINE" rm -f "$NAME" >/dev/null 2>&1 || true
    "$ENGINE" volume rm -f "$VOLUME" >/dev/null 2>&1 || true
    rm -rf "$WORK"
}
trap cleanup EXIT

say() { printf '== %s\n' "$*"; }

say "building $IMAGE from deploy/Dockerfile"
"$ENGINE" build "${BUILD_FLAGS[@]}" -f deploy/Dockerfile -t "$IMAGE" . >"$WORK/build.log" 2>&1 \
    || { tail -40 "$WORK/build.log"; exit 1; }
say "built: $("$ENGINE" image inspect --format '{{.Id}} {{.Size}}' "$IMAGE")"
"$ENGINE" volume create "$VOLUME" >/dev/null

# One start of the bot: it must answer the fake server's question, log its start line
# with the index state it found ($1: built or loaded), and exit 0 on SIGTERM.
round() {
    local expected=$1
    python3 tests/fakebotapi.py --port "$PORT" --ask "Wie viele Soldaten?" --timeout 120 --stay \
        >"$WORK/fake.log" 2>&1 &
    FAKE=$!
    "$ENGINE" run -d --name "$NAME" "${RUN_FLAGS[@]}" -v "$VOLUME:/var/lib/newsbot" \
        -e TELEGRAM_BOT_TOKEN="$TOKEN" -e NEWSBOT_API_BASE_URL="http://127.0.0.1:$PORT" \
        "$IMAGE" >/dev/null
    until grep -q '^answered: ' "$WORK/fake.log"; do  # the fake exits 1 if no answer came
        kill -0 "$FAKE" 2>/dev/null || { cat "$WORK/fake.log"; "$ENGINE" logs "$NAME"; exit 1; }
        sleep 0.5
    done
    grep '^answered: ' "$WORK/fake.log" | cut -c1-160
    "$ENGINE" stop -t 20 "$NAME" >/dev/null  # SIGTERM, while the fake still answers
    kill "$FAKE" && wait "$FAKE" && FAKE=""
    local code
    code=$("$ENGINE" inspect --format '{{.State.ExitCode}}' "$NAME")
    "$ENGINE" logs "$NAME" >"$WORK/bot.log" 2>&1
    "$ENGINE" rm "$NAME" >/dev/null
    local line
    line=$(grep -o 'running as @.*' "$WORK/bot.log" || true)
    echo "bot: $line (exit code $code)"
    [[ $code == 0 ]] || { cat "$WORK/bot.log"; exit 1; }
    [[ $line == *"($expected)"* ]] || { echo "expected an index that was $expected"; exit 1; }
    ! grep -q "$TOKEN" "$WORK/bot.log" || { echo "the token is in the log"; exit 1; }
    ! grep -q "Traceback" "$WORK/bot.log" || { cat "$WORK/bot.log"; exit 1; }
}

say "first start: builds the index in the volume"
round built
say "second start: the same volume, the index is loaded, not rebuilt"
round loaded
say "newsbot index and sources in the container"
"$ENGINE" run --rm "${RUN_FLAGS[@]}" -v "$VOLUME:/var/lib/newsbot" "$IMAGE" index
"$ENGINE" run --rm "${RUN_FLAGS[@]}" -v "$VOLUME:/var/lib/newsbot" "$IMAGE" sources
say "ok"
