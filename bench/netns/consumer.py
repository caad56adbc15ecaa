#!/usr/bin/env python3
"""The plant-side consumer of the netns bench (our pair), and the analysis of what it recorded.

record OUT A_IP B_IP: one thread per collector, each every 50 ms until SIGTERM:
  GET http://IP:8080/samples?afterSample=<last number>  -> {"k":"a"|"b", "t":recv, "seq", "sample", "ts", "epoch", "role"}
  per sample, and {"k":"a-ok"|"b-ok", "t", "role"} per answered poll (also an empty one)
  /samples lists only what a collector published (as active, holding the pair Lease), so a new sample appearing at
  a collector IS that collector acting; its buffer holds 60 s, so nothing is missed between polls.
dump OUT A_IP B_IP: after the cut is healed, appends each collector's whole buffer of published samples
  ({"k":"a-dump"|"b-dump", ...}): what a collector published while the consumer could not reach it (its link was
  down, it was paused) is in its own record, so a cut cannot hide acting from the count.
analyze DIR CUT FAULT_AT END_AT [HEAL_AT]: prints one tab-separated result line (see run.sh for the columns).
"""
import bisect
import json
import signal
import sys
import threading
import time
import urllib.request

POLL = 0.05
# Two publications of one collector further apart than this are two acting intervals: an active collector
# publishes every 25 ms, so every poll sees new samples while it acts.
JOIN = 0.3
SHARE = 0.025  # one publication's share of time: the collectors' poll interval


def record(out, a, b):
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    lock = threading.Lock()
    f = open(out, "w", buffering=1)

    def emit(obj):
        with lock:
            f.write(json.dumps(obj) + "\n")

    def poll(kind, host):
        last = 0
        while not stop.is_set():
            start = time.time()
            try:
                with urllib.request.urlopen(f"http://{host}:8080/samples?limit=1000&afterSample={last}", timeout=0.3) as r:
                    body = json.load(r)
                now = time.time()
                emit({"k": kind + "-ok", "t": now, "role": body["role"]})
                for s in body["samples"]:
                    emit({"k": kind, "t": now, "seq": s["sequence"], "sample": s["sample"], "ts": s["timestamp"],
                          "epoch": s.get("epoch"), "role": body["role"]})
                    last = s["sample"]
            except Exception as e:  # refused, timeouts: a crashed or restarting collector
                emit({"k": kind + "-err", "t": time.time(), "err": type(e).__name__})
            stop.wait(max(0.0, POLL - (time.time() - start)))

    threads = [threading.Thread(target=poll, args=x) for x in (("a", a), ("b", b))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    f.close()


def dump(out, a, b):
    with open(out, "a") as f:
        for kind, host in (("a", a), ("b", b)):
            last = 0
            while True:
                try:
                    with urllib.request.urlopen(f"http://{host}:8080/samples?limit=10000&afterSample={last}", timeout=2) as r:
                        body = json.load(r)
                except Exception as e:  # a crashed collector has no record to read
                    f.write(json.dumps({"k": kind + "-dump-err", "t": time.time(), "err": type(e).__name__}) + "\n")
                    break
                if not body["samples"]:
                    break
                now = time.time()
                for s in body["samples"]:
                    f.write(json.dumps({"k": kind + "-dump", "t": now, "seq": s["sequence"], "sample": s["sample"],
                                        "ts": s["timestamp"], "epoch": s.get("epoch"), "role": body["role"]}) + "\n")
                    last = s["sample"]


def ts_seconds(ts):
    # "2026-12-03T09:10:11.123Z" -> epoch seconds (UTC)
    import calendar
    date, clock = ts.rstrip("Z").split("T")
    hms, frac = clock.split(".") if "." in clock else (clock, "0")
    return calendar.timegm(time.strptime(f"{date}T{hms}", "%Y-%m-%dT%H:%M:%S")) + float("0." + frac)


def published(recs, kind):
    """When collector KIND published each of its samples, to within one poll. Every poll that answered is recorded
    ("-ok"), and a poll lists every published sample after the last one seen; so a sample first seen at t was not yet
    published at the answered poll before t: it was published in (that poll, t], and not before its own timestamp.
    It counts at max(its timestamp, that poll): a live sample at its timestamp, a replayed backlog when replayed,
    a sample seen late after a cut link or a paused process at its timestamp. One only in the dump (published
    while no poll got through) counts at its timestamp."""
    oks = sorted(r["t"] for r in recs if r["k"] == kind + "-ok")
    seen = {}
    for r in recs:
        if r["k"] == kind and r["sample"] not in seen:
            i = bisect.bisect_left(oks, r["t"])
            seen[r["sample"]] = (max(ts_seconds(r["ts"]), oks[i - 1] if i > 0 else 0.0), r)
    for r in recs:
        if r["k"] == kind + "-dump" and r["sample"] not in seen:
            seen[r["sample"]] = (ts_seconds(r["ts"]), r)
    return [dict(r, p=p) for p, r in seen.values()]


def intervals(times):
    """Acting intervals of one collector: each publication holds [p, p + SHARE) (so a single one still counts),
    publications closer than JOIN joined."""
    out = []
    for t in sorted(times):
        if out and t - out[-1][1] <= JOIN:
            out[-1][1] = max(out[-1][1], t + SHARE)
        else:
            out.append([t, t + SHARE])
    return out


def overlap(xs, ys):
    total = 0.0
    for x0, x1 in xs:
        for y0, y1 in ys:
            total += max(0.0, min(x1, y1) - max(x0, y0))
    return total


def analyze(d, cut, fault_at, end_at, heal_at=None):
    recs = [json.loads(line) for line in open(f"{d}/consumer.jsonl")]
    pub = {k: published(recs, k) for k in ("a", "b")}
    after = {k: [r for r in pub[k] if r["p"] >= fault_at] for k in pub}
    # Dual-active: how long both collectors published at once (publication times as in published()), over the
    # whole run: before the fault, during the cut, and after it was healed.
    dual = overlap(intervals(r["p"] for r in pub["a"]), intervals(r["p"] for r in pub["b"]))
    first_b = min((r["p"] for r in after["b"]), default=None)
    failover = f"{(first_b - fault_at) * 1000:.0f}" if first_b else "none"
    # How long A went on publishing after the fault (its fence: it stops once its Lease window closes).
    last_a = max((r["p"] for r in after["a"] if heal_at is None or r["p"] < heal_at), default=None)
    a_stop = f"{(last_a - fault_at) * 1000:.0f}" if last_a else "0"
    # Lost: device sequence numbers after the last one published before the fault, up to the newest published in
    # the run, that no collector ever published. Duplicates: sequence numbers both collectors published.
    seq_a = {r["seq"] for r in pub["a"]}
    seq_b = {r["seq"] for r in pub["b"]}
    both = seq_a | seq_b
    before = [r["seq"] for k in pub for r in pub[k] if r["p"] < fault_at]
    # Lost at the switch: the sequence numbers between the last A published and the first B published after the
    # fault (a hot standby replays from the last one A recorded on the Lease, so none). Skipped: the other unpublished
    # ones, device steps no poll caught because the collector's process was not scheduled for over 100 ms.
    lost, skipped = "-", "-"
    if before and both:
        missing = {s for s in range(max(before) + 1, max(both) + 1) if s not in both}
        first_seq_b = min((r["seq"] for r in after["b"]), default=None)
        at_switch = set()
        if first_seq_b is not None and seq_a:
            at_switch = {s for s in missing if max(seq_a) < s < first_seq_b}
        lost, skipped = len(at_switch), len(missing - at_switch)
    dups = len(seq_a & seq_b)
    # Gap: the longest stretch from the fault to the end without a new sequence number published by anyone.
    firsts = {}
    for k in pub:
        for r in pub[k]:
            firsts[r["seq"]] = min(firsts.get(r["seq"], r["p"]), r["p"])
    arrivals = sorted(t for t in firsts.values())
    points = [max([t for t in arrivals if t < fault_at], default=fault_at)]
    points += [t for t in arrivals if fault_at <= t <= end_at] + [end_at]
    gap = max(y - x for x, y in zip(points, points[1:]))
    recover = "-"
    if heal_at is not None:
        resumed = [t for t in arrivals if t >= heal_at]
        recover = f"{(resumed[0] - heal_at) * 1000:.0f}" if resumed else "none"
    epochs = "/".join(str(sorted({r["epoch"] for r in after[k]} or {"-"})[-1]) for k in ("a", "b"))
    print("\t".join(str(x) for x in (cut, f"{dual:.2f}", failover, a_stop, f"{gap * 1000:.0f}", lost, skipped, dups, recover,
                                     epochs, f"a:{len(after['a'])}/b:{len(after['b'])}")))


if __name__ == "__main__":
    if sys.argv[1] == "record":
        record(*sys.argv[2:5])
    elif sys.argv[1] == "dump":
        dump(*sys.argv[2:5])
    elif sys.argv[1] == "analyze":
        analyze(sys.argv[2], sys.argv[3], float(sys.argv[4]), float(sys.argv[5]),
                float(sys.argv[6]) if len(sys.argv) > 6 and sys.argv[6] != "-" else None)
    else:
        sys.exit("usage: consumer.py record OUT A_IP B_IP | analyze DIR CUT FAULT_AT END_AT [HEAL_AT]")
