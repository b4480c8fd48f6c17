#!/usr/bin/env bash
# Prints the jar size and the first-call latency (JNA loading libmca_uniffi.so from the jar plus the
# first native call), in a fresh JVM, from the jar that test.sh built. Usage: kotlin/measure.sh [runs]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$here"
jar=target/mca-attestation-0.1.0.jar
[[ -f "$jar" ]] || { echo "build first: kotlin/test.sh" >&2; exit 1; }
runs="${1:-5}"
cp_file=target/measure.classpath
mvn -q -B org.apache.maven.plugins:maven-dependency-plugin:3.8.1:build-classpath -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=runtime
cp="$jar:$(cat "$cp_file")"
mkdir -p target/measure
cat > target/measure/Measure.java <<'JAVA'
import com.cloudmore.mca.McaAuth;
import com.cloudmore.mca.McaBlockingClient;
import com.cloudmore.mca.McaClientOptions;
public class Measure {
    public static void main(String[] args) {
        long t0 = System.nanoTime();
        // First call: loads the native library (extracted from the jar by JNA) and builds a client.
        McaBlockingClient c = new McaBlockingClient(new McaClientOptions("https://api.example.test/", "11111111-1111-4111-8111-111111111111", McaAuth.none()));
        long t1 = System.nanoTime();
        String org = c.normalizeOrganizationId("3F2504E0-4F89-11D3-9A0C-0305E82C3301");
        long t2 = System.nanoTime();
        System.out.printf("%.1f %.3f%n", (t1 - t0) / 1e6, (t2 - t1) / 1e6);
        c.close();
    }
}
JAVA
javac -d target/measure -cp "$cp" target/measure/Measure.java
size=$(stat -c %s "$jar")
native=$(unzip -l "$jar" | awk '/linux-x86-64\/libmca_uniffi.so/ {print $1}')
echo "jar: $jar $size bytes ($((size / 1024)) KiB; native library ${native} bytes uncompressed)"
for _ in $(seq "$runs"); do java -cp "target/measure:$cp" Measure; done | sort -n | awk '
  {first[NR]=$1; second[NR]=$2} END {
    m=int((NR+1)/2);
    printf "first call (native load + client), median of %d fresh JVMs: %.1f ms (min %.1f, max %.1f)\n", NR, first[m], first[1], first[NR];
    printf "second call (normalizeOrganizationId): %.3f ms (of the median run)\n", second[m] }'
