#!/usr/bin/env bash
# Consumer test: install the packed tarball into a fresh app outside the repository, as a user gets
# it from npm, and synthesize an app that uses every public construct (.ci/consumer/app.ts) against
# the given aws-cdk-lib version.
#
#   .ci/consumer-test.sh <path/to/cdk-observed-*.tgz> <aws-cdk-lib version>
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
tarball=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
cdk_version=$2

work=$(mktemp -d "${TMPDIR:-/tmp}/cdk-observed-consumer.XXXXXX")
trap 'rm -rf "$work"' EXIT
cp "$repo/.ci/consumer/app.ts" "$repo/.ci/consumer/tsconfig.json" "$work/"
cd "$work"
printf '{ "name": "consumer-app", "version": "0.0.0", "private": true }\n' > package.json
# the Control Tower rules (cfn-guard) at the version the repository tests with
validator="@cdklabs/cdk-validator-cfnguard@$(node -p "require('$repo/package.json').devDependencies['@cdklabs/cdk-validator-cfnguard']")"
npm install --no-audit --no-fund --loglevel=error \
  "aws-cdk-lib@$cdk_version" "constructs@^10.5.1" "cdk-nag@^3" "@types/node@^20" "$validator" "$tarball"
echo "aws-cdk-lib $(node -p 'require("aws-cdk-lib/package.json").version'), cdk-observed $(node -p 'require("cdk-observed/package.json").version') from $(basename "$tarball")"

# type-check against the package's declarations, as a TypeScript user's build does
"$repo/node_modules/.bin/tsc" -p tsconfig.json

node app.js cdk.out 2>&1 | tee synth.log
# what a user must never see on a clean synth: deprecation warnings, or an acknowledged finding
# printed as an error
if grep -q 'is deprecated' synth.log; then echo "consumer test: aws-cdk-lib $cdk_version prints deprecation warnings"; exit 1; fi
if grep -q '^ERROR\|^\[ERROR\]' synth.log; then echo "consumer test: the synth printed errors"; exit 1; fi
