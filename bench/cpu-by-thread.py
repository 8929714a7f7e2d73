#!/usr/bin/env python3
"""CPU time a JVM spent between two `jcmd PID Thread.print` dumps, by kind of thread, per message.

    cpu-by-thread.py BEFORE AFTER MESSAGES

Thread names are grouped with their numbers blanked ("GC Thread#1" and "GC Thread#0" are one group), so the
output says whether the time went to request threads, delivery consumers, the broker, GC or the JIT compiler.
"""
import collections
import re
import sys

LINE = re.compile(r'^"(?P<name>[^"]+)"(?: #\d+)?.*?cpu=(?P<cpu>[\d.]+)ms')


def dump(path):
    cpu = collections.Counter()
    for line in open(path, encoding="utf-8", errors="replace"):
        m = LINE.match(line)
        if m:
            cpu[m["name"]] += float(m["cpu"])
    return cpu


def group(name):
    return re.sub(r"\d+", "N", name)


def main():
    before, after, messages = dump(sys.argv[1]), dump(sys.argv[2]), int(sys.argv[3])
    spent = collections.Counter()
    for name, ms in after.items():
        spent[group(name)] += ms - before.get(name, 0.0)
    total = sum(spent.values())
    print(f"  threads: {total / messages:.2f} ms/msg in all")
    for name, ms in spent.most_common(12):
        if ms / messages < 0.01:
            break
        print(f"  {ms / messages:6.2f} ms/msg {100 * ms / total:5.1f}%  {name}")


if __name__ == "__main__":
    main()
