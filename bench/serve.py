#!/usr/bin/env python3
"""Times `opsledger serve`'s rebuild: from an edit of an entry to the moment the server says the
new site is published (what an open page waits on before it reloads).

Usage: bench/serve.py [LEDGER] [ROUNDS]   (default: a fresh `opsledger demo` ledger, 10 rounds)
Needs a release build (`cargo build --release`). Prints each round and the median.
"""
import json, os, re, statistics, subprocess, sys, tempfile, time, urllib.request

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
binary = os.path.join(root, "target/release/opsledger")
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 10
if len(sys.argv) > 1:
    ledger = sys.argv[1]
else:
    ledger = os.path.join(tempfile.mkdtemp(), "demo")
    subprocess.run([binary, "demo", "--out", ledger], check=True, stdout=subprocess.DEVNULL)

server = subprocess.Popen([binary, "-C", ledger, "serve", "--port", "0"], stdout=subprocess.PIPE, text=True)
try:
    url = None
    for line in server.stdout:
        m = re.match(r"serving (http://\S+)", line)
        if m:
            url = m.group(1)
            break
    wait = lambda since: json.load(urllib.request.urlopen(f"{url}__opsledger/wait?since={since}", timeout=60))
    entry = sorted(os.listdir(os.path.join(ledger, "content/entries")))[0]
    path = os.path.join(ledger, "content/entries", entry)
    original = open(path, encoding="utf-8").read()
    times = []
    for i in range(rounds):
        state = wait(0)
        start = time.perf_counter()
        with open(path, "w", encoding="utf-8") as f:
            f.write(original.replace("\n---\n", f"\n---\n\nbench edit {i}\n", 1))
        while True:
            s = wait(state["version"])
            if s["site_version"] > state["site_version"]:
                break
            state = s
        times.append(time.perf_counter() - start)
        print(f"round {i + 1}: edit → new site published in {times[-1] * 1000:.0f} ms")
    open(path, "w", encoding="utf-8").write(original)
    print(f"median {statistics.median(times) * 1000:.0f} ms over {rounds} rounds")
finally:
    server.terminate()
