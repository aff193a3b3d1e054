#!/usr/bin/env python3
"""Checks the mined history of every entry, requirement and release against git itself.

Usage: bench/replay_check.py REPO [OPSLEDGER_BINARY]

For each file of content/entries, content/requirements and content/releases it compares what
`opsledger history --format json` says with what git says:
- the commits: the same as `git log --follow` lists for the file (cut at a copy, `C050`, which
  belongs to the other file's history), in the same order (oldest first);
- the status transitions: the same as replaying the `status:` of the file's versions, read with
  `git cat-file`, in the order of the steps;
- each step's status change: the same as the change between the file at the step's commit and
  at its parent (for commits with one parent).
It prints each file whose commits differ, then one line of counts, and exits 1 unless every
count is 0. Slow on purpose (one `git log --follow` per file): about 6 minutes for a
1,000-entry generated ledger.
"""
import json, os, re, subprocess, sys

repo = sys.argv[1]
binary = sys.argv[2] if len(sys.argv) > 2 else "target/release/opsledger"
files = json.loads(subprocess.run([binary, "-C", repo, "history", "--format", "json"],
                                  check=True, capture_output=True).stdout)["files"]
cat = subprocess.Popen(["git", "-C", repo, "cat-file", "--batch"],
                       stdin=subprocess.PIPE, stdout=subprocess.PIPE)


def show(spec):
    """The text of `commit:path`, or None when it does not exist."""
    cat.stdin.write((spec + "\n").encode())
    cat.stdin.flush()
    header = cat.stdout.readline().decode()
    if header.endswith("missing\n"):
        return None
    data = cat.stdout.read(int(header.split()[2]))
    cat.stdout.read(1)
    return data.decode("utf-8", "replace")


def status(text):
    m = text and re.search(r"^status:\s*(\S+)", text, re.M)
    return m.group(1).strip("\"'") if m else None


parents = {}
for line in subprocess.run(["git", "-C", repo, "log", "--format=%H %P", "HEAD"],
                           capture_output=True, text=True, check=True).stdout.splitlines():
    ids = line.split()
    parents[ids[0]] = ids[1:]

n = set_bad = order_bad = replay_bad = parent_bad = 0
for kind in ["entries", "requirements", "releases"]:
    for name in sorted(os.listdir(os.path.join(repo, "content", kind))):
        path = f"content/{kind}/{name}"
        n += 1
        steps = [s for s in files.get(path, {"steps": []})["steps"] if not s.get("working_tree")]
        got = [s["commit"] for s in steps]
        log = subprocess.run(["git", "-C", repo, "log", "--follow", "--name-status",
                              "--format=%x01%H", "--", path],
                             capture_output=True, text=True, check=True).stdout
        want = []
        for record in log.split("\x01")[1:]:
            lines = record.splitlines()
            want.append(lines[0].strip())
            if any(l.startswith("C") for l in lines[1:]):
                break
        want.reverse()
        if sorted(got) != sorted(want):
            set_bad += 1
            print(f"MISMATCH {path}: opsledger {len(got)} commits, git log --follow {len(want)}")
        elif got != want:
            order_bad += 1
        mined = [(s["commit"], c["from"], c["to"])
                 for s in steps for c in s["changes"] if c["field"] == "status"]
        replayed, prev = [], None
        for s in steps:
            if s["kind"] == "Deleted":
                continue
            now = status(show(f'{s["commit"]}:{s["path"]}'))
            if now is not None and now != prev:
                replayed.append((s["commit"], prev, now))
                prev = now
        if mined != replayed:
            replay_bad += 1
        for s in steps:
            ps = parents.get(s["commit"], [])
            if s["kind"] == "Deleted" or len(ps) != 1:
                continue
            before = status(show(f'{ps[0]}:{s["path"]}'))
            now = status(show(f'{s["commit"]}:{s["path"]}'))
            if before is None or now is None:
                continue
            real = [(before, now)] if before != now else []
            if [(c["from"], c["to"]) for c in s["changes"] if c["field"] == "status"] != real:
                parent_bad += 1
print(f"{n} files; commits differ from git log --follow: {set_bad}; same commits in another "
      f"order: {order_bad}; transitions differ from a replay of the versions: {replay_bad}; "
      f"steps whose status change differs from the change against the parent: {parent_bad}")
sys.exit(1 if set_bad or order_bad or replay_bad or parent_bad else 0)
