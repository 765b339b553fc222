#!/usr/bin/env bash
# Consumer test: install the packed tarball into a fresh app outside the repository, as a user gets
# it from npm, and synthesize an app that uses every public construct (.ci/consumer/app.ts) against
# the given aws-cdk-lib version. The app loads the package twice, as a monorepo does: it depends on
# the tarball, and on a local library package (.ci/consumer/shared-constructs, packed with its own
# copy of the tarball bundled in its node_modules); aws-cdk-lib, constructs and cdk-nag are peers,
# installed once. app.ts builds the app with one copy and with both, and fails unless they agree.
#
#   .ci/consumer-test.sh <path/to/cdk-observed-*.tgz> <aws-cdk-lib version>
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
tarball=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
cdk_version=$2

work=$(mktemp -d "${TMPDIR:-/tmp}/cdk-observed-consumer.XXXXXX")
trap '[ -n "${KEEP_CONSUMER_DIR:-}" ] || rm -rf "$work"' EXIT
cp "$repo/.ci/consumer/app.ts" "$repo/.ci/consumer/tsconfig.json" "$work/"
cp -r "$repo/.ci/consumer/shared-constructs" "$work/"
cd "$work"
# the library package carries its own copy of cdk-observed, from the same tarball
mkdir -p shared-constructs/node_modules/cdk-observed
tar -xzf "$tarball" -C shared-constructs/node_modules/cdk-observed --strip-components=1
shared=$(cd shared-constructs && npm pack --loglevel=error | tail -n 1)
tar -tzf "shared-constructs/$shared" > shared-files.txt
grep -qx 'package/node_modules/cdk-observed/lib/index.js' shared-files.txt \
  || { echo "consumer test: $shared does not bundle its own cdk-observed"; exit 1; }
printf '{ "name": "consumer-app", "version": "0.0.0", "private": true }\n' > package.json
# the Control Tower rules (cfn-guard) at the version the repository tests with
validator="@cdklabs/cdk-validator-cfnguard@$(node -p "require('$repo/package.json').devDependencies['@cdklabs/cdk-validator-cfnguard']")"
npm install --no-audit --no-fund --loglevel=error \
  "aws-cdk-lib@$cdk_version" "constructs@^10.5.1" "cdk-nag@^3" "@types/node@^20" "$validator" "$tarball" "./shared-constructs/$shared"
echo "aws-cdk-lib $(node -p 'require("aws-cdk-lib/package.json").version'), cdk-observed $(node -p 'require("cdk-observed/package.json").version') from $(basename "$tarball")"
# two copies of cdk-observed, one of each peer (app.ts checks the same from inside the app)
node -e '
  const path = require("path");
  const a = require.resolve("cdk-observed");
  const b = require.resolve("cdk-observed", { paths: [path.dirname(require.resolve("shared-constructs"))] });
  if (a === b) { console.error("consumer test: shared-constructs resolves the app copy of cdk-observed"); process.exit(1); }
  for (const peer of ["aws-cdk-lib", "constructs", "cdk-nag"]) {
    const [fa, fb] = [a, b].map(copy => require.resolve(peer, { paths: [path.dirname(copy)] }));
    if (fa !== fb) { console.error(`consumer test: two copies of ${peer}: ${fa} ${fb}`); process.exit(1); }
  }
  console.log(`cdk-observed copies: ${path.relative(".", a)} and ${path.relative(".", b)}; one aws-cdk-lib, constructs, cdk-nag`);
'

# type-check against the package's declarations, as a TypeScript user's build does
"$repo/node_modules/.bin/tsc" -p tsconfig.json

node app.js cdk.out 2>&1 | tee synth.log
# what a user must never see on a clean synth: deprecation warnings, or an acknowledged finding
# printed as an error
if grep -q 'is deprecated' synth.log; then echo "consumer test: aws-cdk-lib $cdk_version prints deprecation warnings"; exit 1; fi
if grep -q '^ERROR\|^\[ERROR\]' synth.log; then echo "consumer test: the synth printed errors"; exit 1; fi
