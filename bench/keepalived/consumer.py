#!/usr/bin/env python3
"""The plant-side consumer of the Keepalived bench, and the analysis of what it recorded.

record OUT VIP NODE_A_IP NODE_B_IP: three threads, each every 100 ms (until SIGTERM):
  vip  GET http://VIP:8080/samples?after=<last sequence received>   -> {"k":"vip", "t":recv, "seq", "sample", "ts"}
  a/b  GET http://NODE_IP:8080/samples?afterSample=<last number>   -> {"k":"a"|"b", "t", "seq", "sample", "ts", "role"}
  The direct polls see every sample a collector published (its buffer holds 120 s), whichever node the VIP is on.
analyze DIR PROFILE FAULT FAULT_AT END_AT: prints one tab-separated result line (see run.sh for the columns).
"""
import json
import signal
import sys
import threading
import time
import urllib.request

BIN = 0.25  # seconds; the dual-active time resolution (collectors publish every 50 ms, so ~5 samples per bin)


def record(out, vip, a, b):
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    lock = threading.Lock()
    f = open(out, "w", buffering=1)

    def emit(obj):
        with lock:
            f.write(json.dumps(obj) + "\n")

    def poll(kind, host):
        after_key, last = ("after", None) if kind == "vip" else ("afterSample", 0)
        while not stop.is_set():
            start = time.time()
            q = f"?limit=1000&{after_key}={last}" if last is not None else "?limit=1000"
            try:
                with urllib.request.urlopen(f"http://{host}:8080/samples{q}", timeout=0.3) as r:
                    body = json.load(r)
                now = time.time()
                for s in body["samples"]:
                    emit({"k": kind, "t": now, "seq": s["sequence"], "sample": s["sample"], "ts": s["timestamp"],
                          "role": body["role"]})
                    last = s["sequence"] if kind == "vip" else s["sample"]
            except Exception as e:  # timeouts, refused, unreachable: the point of the bench
                emit({"k": kind + "-err", "t": time.time(), "err": type(e).__name__})
            stop.wait(max(0.0, 0.1 - (time.time() - start)))

    threads = [threading.Thread(target=poll, args=a_) for a_ in (("vip", vip), ("a", a), ("b", b))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    f.close()


def ts_seconds(ts):
    # "2026-12-03T09:10:11.123Z" -> epoch seconds (UTC)
    import calendar
    date, clock = ts.rstrip("Z").split("T")
    hms, ms = clock.split(".")
    return calendar.timegm(time.strptime(f"{date}T{hms}", "%Y-%m-%dT%H:%M:%S")) + int(ms) / 1000.0


def events(path):
    try:
        with open(path) as f:
            return [(float(t), s) for t, s in (line.split() for line in f if line.strip())]
    except FileNotFoundError:
        return []


def analyze(d, profile, fault, fault_at, end_at):
    recs = [json.loads(line) for line in open(f"{d}/consumer.jsonl")]
    own = {"a": {}, "b": {}}  # (sample number, timestamp) -> node: identifies which collector the VIP reached
    for r in recs:
        if r["k"] in own:
            own[r["k"]][(r["sample"], r["ts"])] = r
    vip = [r for r in recs if r["k"] == "vip"]
    for r in vip:
        key = (r["sample"], r["ts"])
        r["node"] = "a" if key in own["a"] else "b" if key in own["b"] else "?"

    b_master = [t for t, s in events(f"{d}/b/events") if s == "MASTER" and t >= fault_at]
    detect = f"{(b_master[0] - fault_at) * 1000:.0f}" if b_master else "none"
    first_b = [r["t"] for r in vip if r["node"] == "b" and r["t"] >= fault_at]
    failover = f"{(first_b[0] - fault_at) * 1000:.0f}" if first_b else "none"

    # Data gap: the longest time the consumer went without a new sequence, from the last one before the fault to
    # the end of the window; missing: sequence numbers in that span the consumer never received.
    arrivals = sorted(r["t"] for r in vip)
    before = [t for t in arrivals if t < fault_at]
    after = [t for t in arrivals if fault_at <= t <= end_at]
    points = ([before[-1]] if before else [fault_at]) + after
    gap = max((y - x for x, y in zip(points, points[1:])), default=0.0)
    if not after or end_at - points[-1] > gap:
        gap_txt = f">{(end_at - points[-1]) * 1000:.0f}" if not after else f"{max(gap, end_at - points[-1]) * 1000:.0f}"
    else:
        gap_txt = f"{gap * 1000:.0f}"
    last_before = max((r["seq"] for r in vip if r["t"] < fault_at), default=None)
    window = [r["seq"] for r in vip if fault_at <= r["t"] <= end_at]
    missing = 0
    if last_before is not None and window:
        got = set(window)
        missing = sum(1 for s in range(last_before + 1, max(window) + 1) if s not in got)
    elif last_before is not None:
        missing = "all"
    # The collectors poll every 50 ms and the counter steps every 100 ms, so one response often holds two samples
    # with one sequence: a duplicate is a sequence that reached the consumer in more than one response.
    responses = {}
    for r in vip:
        responses.setdefault(r["seq"], set()).add((r["node"], r["t"]))
    dup_vip = sum(1 for v in responses.values() if len(v) > 1)

    # Dual-active seconds: the 250 ms bins of the window [fault, end] (by the collectors' own sample timestamps;
    # the namespaces share one clock) in which BOTH collectors published at least one sample as role active,
    # as seen by the direct polls of both node IPs, times 0.25 s. Published = it read the device and served the
    # sample as active; a stopped, hung or unreachable-from-the-device collector publishes nothing.
    bins = {}
    seq_by = {"a": set(), "b": set()}
    for k in ("a", "b"):
        bins[k] = set()
        for r in own[k].values():
            t = ts_seconds(r["ts"])
            if r["role"] == "active" and fault_at <= t <= end_at:
                bins[k].add(int((t - fault_at) / BIN))
                seq_by[k].add(r["seq"])
    dual = len(bins["a"] & bins["b"]) * BIN
    both = len(seq_by["a"] & seq_by["b"])
    served = "/".join(f"{k}:{sum(1 for r in vip if r['node'] == k and r['t'] >= fault_at)}" for k in ("a", "b"))
    print("\t".join(str(x) for x in (profile, fault, detect, failover, gap_txt, missing, dup_vip, both,
                                     f"{dual:.2f}", served)))


if __name__ == "__main__":
    if sys.argv[1] == "record":
        record(*sys.argv[2:6])
    elif sys.argv[1] == "analyze":
        analyze(sys.argv[2], sys.argv[3], sys.argv[4], float(sys.argv[5]), float(sys.argv[6]))
    else:
        sys.exit("usage: consumer.py record OUT VIP A B | analyze DIR PROFILE FAULT FAULT_AT END_AT")
