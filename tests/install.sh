#!/usr/bin/env bash
# The install sections of the package READMEs, tried as a new user would, each in a fresh temporary
# directory (issue 14, item 2). Uses the artefacts the earlier suites built (npm/dist from npm/test.sh,
# target/dist-python and the -Pdist jars from tests/artefacts.sh); builds nothing itself except the
# sdist, which pip builds from source as users would.
#   npm     `npm pack` in npm/, `npm install <tarball>` in an empty project, then `import` (ESM) and
#           `require` (CommonJS) of the package, each calling the core;
#   Python  `pip install` of the x86_64 wheel into a fresh venv, and of the sdist into another (a
#           build from source: maturin from PyPI, the Rust toolchain; cargo's cache is
#           $CARGO_TARGET_DIR), then `import mca_attestation` and a validation through the core;
#   Kotlin  `mvn install:install-file` of the jar (with its pom, sources and javadoc jars) into an
#           empty repository, then a Kotlin + Java consumer (tests/jvm-consumer/pom.xml) that names only
#           the coordinates is compiled by Maven and run (JNA loads the native library from the jar).
# The CLI's `cargo install --path cli` is tests/install-cli.sh. Each README must still give the
# commands this script runs (checked first).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
fail() { echo "install: $*" >&2; exit 1; }
t0=$SECONDS
lap() { echo "install: $1 ok ($((SECONDS - t1)) s)"; t1=$SECONDS; }

tmp=$(mktemp -d)
m2_ours="$HOME/.m2/repository/com/cloudmore/mca-attestation"
cleanup() { rm -rf "$tmp"; rm -rf "$m2_ours"; }
trap cleanup EXIT

need_text() { grep -qF -- "$2" "$1" || fail "$1 no longer says: $2"; }
need_text npm/README.md 'npm pack'
need_text npm/README.md 'npm install ./mca-attestation-'
need_text python/README.md 'pip install target/dist-python/mca_attestation-'
need_text python/README.md 'bash python/dist.sh'
need_text kotlin/README.md 'mvn install:install-file'
need_text kotlin/README.md '<artifactId>mca-attestation</artifactId>'
need_text kotlin/README.md 'bash kotlin/cross.sh'

# --- npm
t1=$SECONDS
[[ -f npm/dist/mca_attestation_wasm_bg.wasm ]] || fail "npm/dist is missing: run npm/test.sh (or npm/build.sh) first"
tgz=$(cd npm && npm pack --silent | tail -1)
mkdir -p "$tmp/npm-app"
mv "npm/$tgz" "$tmp/npm-app/"
(
  cd "$tmp/npm-app"
  npm init -y >/dev/null
  npm install --silent --no-audit --no-fund "./$tgz"
  cat >esm.mjs <<'JS'
import { coreVersion, validateStartAttestation } from 'mca-attestation';
const body = validateStartAttestation({
  signer: { firstName: 'Ada', lastName: 'Lovelace', emailAddress: 'ada@example.com', phoneNumber: '+46 70 123 45 67' },
  country: 'se', acceptanceDate: '2026-01-05T10:00:00+01:00',
}, { now: '2026-01-06T00:00:00Z' });
if (body.country !== 'SE') throw new Error('not normalised: ' + JSON.stringify(body));
console.log('esm', coreVersion());
JS
  cat >cjs.cjs <<'JS'
const { coreVersion, Client } = require('mca-attestation');
if (typeof Client !== 'function') throw new Error('no Client');
console.log('cjs', coreVersion());
JS
  node esm.mjs && node cjs.cjs
) || fail "npm: the packed tarball does not install or load"
lap "npm pack + install + import/require ($(stat -c %s "$tmp/npm-app/$tgz") bytes)"

# --- Python
dist="$CARGO_TARGET_DIR/dist-python"
whl=$(ls "$dist"/mca_attestation-*manylinux*_x86_64.whl 2>/dev/null | head -1)
sdist=$(ls "$dist"/mca_attestation-*.tar.gz 2>/dev/null | head -1)
[[ -n "$whl" && -n "$sdist" ]] || fail "no wheel/sdist in $dist: run python/dist.sh first"
probe='import mca_attestation as m
from datetime import datetime, timezone
s = m.Signer(first_name="Ada", last_name="Lovelace", email_address="ada@example.com",
             phone_number="+46 70 123 45 67")
b = m.StartAttestation(signer=s, country="se",
                       acceptance_date=datetime(2026, 1, 5, tzinfo=timezone.utc).isoformat())
assert m.validate_start_attestation_at(b, "2026-01-06T00:00:00Z").country == "SE"
print(m.__version__, m.Client.__name__, m.AsyncClient.__name__)'
python3 -m venv "$tmp/venv-wheel"
"$tmp/venv-wheel/bin/pip" install --quiet --disable-pip-version-check "$whl"
(cd "$tmp" && "$tmp/venv-wheel/bin/python" -c "$probe") || fail "python: the wheel does not import"
lap "pip install $(basename "$whl")"
# pip itself accepts each wheel for a glibc 2.17 machine of its CPU with the oldest Python supported
# (the aarch64 one cannot run here: no emulator).
for arch in x86_64 aarch64; do
  w=$(ls "$dist"/mca_attestation-*manylinux*_"$arch".whl)
  "$tmp/venv-wheel/bin/pip" install --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
    --platform "manylinux2014_$arch" --python-version 3.9 --target "$tmp/platform-$arch" "$w" \
    || fail "pip refuses $(basename "$w") for manylinux2014_$arch, Python 3.9"
done
lap "pip accepts both wheels for manylinux2014 x86_64/aarch64, Python 3.9"
python3 -m venv "$tmp/venv-sdist"
# The build from source shares cargo's cache with the earlier suites (registry crates compiled
# once; the workspace crates are rebuilt from the unpacked sdist's paths).
"$tmp/venv-sdist/bin/pip" install --quiet --disable-pip-version-check "$sdist"
(cd "$tmp" && "$tmp/venv-sdist/bin/python" -c "$probe") || fail "python: the sdist does not build or import"
lap "pip install $(basename "$sdist") (build from source)"

# --- Kotlin / Java
version=$(sed -n 's:^  <version>\(.*\)</version>:\1:p' kotlin/pom.xml | head -1)
jar="$root/kotlin/target/mca-attestation-$version.jar"
for f in "$jar" "${jar%.jar}-sources.jar" "${jar%.jar}-javadoc.jar"; do
  [[ -f "$f" ]] || fail "$f is missing: run tests/artefacts.sh (mvn -Pdist package) first"
done
rm -rf "$m2_ours"
mvn -q -B install:install-file -Dfile="$jar" -DpomFile="$root/kotlin/pom.xml" \
  -Dsources="${jar%.jar}-sources.jar" -Djavadoc="${jar%.jar}-javadoc.jar" \
  -DlocalRepositoryPath="$tmp/m2" >/dev/null
[[ -f "$tmp/m2/com/cloudmore/mca-attestation/$version/mca-attestation-$version.jar" ]] || fail "install:install-file wrote no jar"
app="$tmp/jvm-app"
mkdir -p "$app/src/main/kotlin/example" "$app/src/main/java/example"
cp tests/jvm-consumer/pom.xml "$app/"
cat >"$app/src/main/kotlin/example/Main.kt" <<'KT'
package example

import com.cloudmore.mca.*
import com.cloudmore.mca.model.*

fun main() {
    val credentials = Credentials(username = "user", password = "secret") // clientAuth etc.: the core's defaults
    val options = ClientOptions(baseUrl = "https://api.example.com/", resellerId = "11111111-1111-4111-8111-111111111111",
        credentials = credentials)
    McaBlockingClient(options).use { println("kotlin consumer: $it") }
    JavaConsumer.run()
}
KT
cat >"$app/src/main/java/example/JavaConsumer.java" <<'JAVA'
package example;

import com.cloudmore.mca.*;
import com.cloudmore.mca.model.*;

public final class JavaConsumer {
    public static void run() {
        ClientOptions options = McaOptions.clientOptions("https://api.example.com/", "11111111-1111-4111-8111-111111111111");
        options.setCredentials(McaOptions.credentials("user", "secret"));
        try (McaBlockingClient client = new McaBlockingClient(options)) {
            System.out.println("java consumer: " + client);
        }
    }
}
JAVA
(
  cd "$app"
  mvn -q -B compile dependency:build-classpath -Dmdep.outputFile=cp.txt -Dmca.repo.url="file://$tmp/m2" >&2
  java -cp "target/classes:$(cat cp.txt)" example.MainKt
) || fail "kotlin/java: the consumer does not compile or run against com.cloudmore:mca-attestation:$version"
lap "jar into a local Maven repository + Kotlin/Java consumer"
echo "install: ok ($((SECONDS - t0)) s)"
