#!/usr/bin/env python3
"""Where a sampled aggregator spent its running time, from dotnet-trace's speedscope export: the frames with the most
inclusive time (stacks whose innermost frame is a wait are idle threads and are left out), and the busiest leaves."""
import collections, json, re, sys

WAIT = re.compile(r"Wait|Sleep|LowLevelLifoSemaphore|epoll|Thread\.Join|PortableThreadPool\.WorkerThread\.WorkerThreadStart")
MARKER = re.compile(r"^(UNMANAGED_CODE_TIME|CPU_TIME)$")  # time in native code: a wait or work according to the frame that called it
KEEP = re.compile(r"WeightGuard|System\.Text\.Json|Microsoft\.Data\.Sqlite|SQLitePCL|Npgsql|YamlDotNet|System\.Security\.Cryptography|System\.Net\.Security|Kestrel|Microsoft\.AspNetCore\.Routing|GC|JIT")

doc = json.load(open(sys.argv[1]))
frames = [f["name"] for f in doc["shared"]["frames"]]
inclusive, leaves, busy = collections.Counter(), collections.Counter(), 0.0
for profile in doc["profiles"]:
    stack, last = [], None
    for e in profile["events"]:
        if last is not None and stack and e["at"] > last:
            span = e["at"] - last
            named = [frames[f] for f in stack if not MARKER.match(frames[f])]
            leaf = named[-1] if named else frames[stack[-1]]
            if not WAIT.search(leaf):
                busy += span
                leaves[leaf] += span
                for name in {frames[f] for f in stack}: inclusive[name] += span
        last = e["at"]
        if e["type"] == "O": stack.append(e["frame"])
        elif stack: stack.pop()
print(f"  profile: {busy:.0f} ms of running threads sampled")
print("  inclusive (share of running time):")
for name, ms in [x for x in inclusive.most_common() if KEEP.search(x[0])][:28]:
    print(f"    {100 * ms / busy:5.1f}%  {name[:150]}")
print("  innermost frames:")
for name, ms in leaves.most_common(12):
    print(f"    {100 * ms / busy:5.1f}%  {name[:150]}")
