#!/usr/bin/env python3
"""Checks that every entry's mined history lists the same commits as `git log --follow`.

Usage: bench/follow_check.py REPO [OPSLEDGER_BINARY]

`git log --follow` also pairs a newly added file with a similar existing one (a copy, `C050`),
which belongs to the other file's history; the list is cut at such a copy, as the test suite does.
"""
import json, os, subprocess, sys

repo = sys.argv[1]
binary = sys.argv[2] if len(sys.argv) > 2 else "target/release/opsledger"
hist = json.loads(subprocess.run([binary, "-C", repo, "history", "--format", "json"], check=True,
                                 capture_output=True).stdout)
files = hist["files"]
entries = sorted(os.listdir(os.path.join(repo, "content/entries")))
bad = 0
for name in entries:
    path = f"content/entries/{name}"
    out = subprocess.run(["git", "-C", repo, "log", "--follow", "--name-status", "--format=%x01%H", "--", path],
                         check=True, capture_output=True, text=True).stdout
    want = []
    for record in out.split("\x01")[1:]:
        lines = record.splitlines()
        want.append(lines[0].strip())
        if any(l.startswith("C") for l in lines[1:]):
            break
    got = [s["commit"] for s in files.get(path, {}).get("steps", []) if not s.get("working_tree")]
    if sorted(got) != sorted(want):
        bad += 1
        print(f"MISMATCH {path}: opsledger {len(got)} commits, git log --follow {len(want)}")
print(f"{len(entries) - bad} of {len(entries)} entries list the same commits as git log --follow")
sys.exit(1 if bad else 0)
