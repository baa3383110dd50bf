#!/usr/bin/env bash
# Publish tests (tests/publish/test_publish_netlify.py) run Netlify's own CLI, which
# `make test` installs from package.json. netlify-cli needs Node.js 20.12.2 or newer;
# say so here, before a long npm install, rather than as an obscure failure later.
set -euo pipefail
command -v node >/dev/null 2>&1 || { echo "30-publish: node is missing (10-system.sh installs npm)" >&2; exit 1; }
version=$(node -p 'process.versions.node')
if ! node -e 'const [a,b,c]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&(b>12||(b===12&&c>=2)))?0:1)'; then
  echo "30-publish: Node.js $version is too old for netlify-cli (needs >= 20.12.2); install a newer nodejs" >&2
  exit 1
fi
echo "30-publish: Node.js $version is fine for netlify-cli"
