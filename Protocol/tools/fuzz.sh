#!/usr/bin/env bash
# Builds and runs a libFuzzer harness over the OCOPWire decoder.
#
#   Protocol/tools/fuzz.sh [seconds]      (default 120; run from the repository root)
#
# The harness (Protocol/tools/fuzz/FuzzEntry.swift) is compiled with the OCOPSync and OCOPWire
# sources as one module with -sanitize=fuzzer,address; the seed corpus is every vector in
# Protocol/vectors. Output and corpus go to .build/fuzz/ (not committed).
set -euo pipefail
seconds="${1:-120}"
root="$(cd "$(dirname "$0")/../.." && pwd)"
out="$root/.build/fuzz"
mkdir -p "$out/stub" "$out/corpus"

# The sources say `import OCOPSync`; in one module that import must resolve to something: an empty stub.
echo "" > "$out/stub/empty.swift"
swiftc -emit-module -module-name OCOPSync -o "$out/stub/OCOPSync.swiftmodule" "$out/stub/empty.swift"

swiftc -O -sanitize=fuzzer,address -parse-as-library -module-name OCOPFuzz \
    -I "$out/stub" -I "$root/Sources/CZlib" -lz \
    "$root"/Sources/OCOPSync/*.swift "$root"/Sources/OCOPWire/*.swift "$root/Protocol/tools/fuzz/FuzzEntry.swift" \
    -o "$out/fuzz-wire" 2>&1 | { grep -v "Cannot export local symbol '__asan" || true; }

# Seed corpus: each vector as a stream (mode 0) and as a raw payload (mode 1).
python3 - "$root" "$out/corpus" <<'PY'
import glob, json, os, sys
root, corpus = sys.argv[1], sys.argv[2]
for path in glob.glob(os.path.join(root, "Protocol", "vectors", "*.json")):
    data = bytes.fromhex(json.load(open(path, encoding="utf-8"))["hex"])
    name = os.path.basename(path)[:-5]
    open(os.path.join(corpus, name + ".stream"), "wb").write(b"\x00" + data)
    if len(data) > 16:
        mode = 3 if data[6] & 1 else 1
        body = data[20:] if data[6] & 1 else data[16:]
        open(os.path.join(corpus, name + ".payload"), "wb").write(bytes([mode, data[5]]) + body)
PY

"$out/fuzz-wire" -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 "$out/corpus" 2>&1 | tail -25
