#!/usr/bin/env python3
"""One side-by-side table: Keepalived (bench/keepalived/run.sh) and our pair (run.sh) under the same cuts.

compare.py OURS_TSV KEEPALIVED_TEXT SOURCE
  OURS_TSV: the rows run.sh's consumer.py analyze printed. KEEPALIVED_TEXT: a text holding Keepalived's result
  table (its run.sh output, or docs/keepalived.md); rows "| profile | fault | detect | failover | gap | missing |
  dup@VIP | seq x2 | dual-act s | VIP a/b |". SOURCE: says where Keepalived's figures come from.
"""
import sys

# Our cut -> Keepalived's fault of the same kind (None: Keepalived has no control plane to cut).
SAME = {"partition": "partition", "oneway": "oneway", "crash": "crash", "hang": "hang",
        "api": None, "api-in": None, "api-out": None, "cp-loss": None}


def keepalived_rows(path):
    rows = {}
    for line in open(path):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 10 and cells[0] in ("usual", "tuned"):
            rows[(cells[0], cells[1])] = {"dual": cells[8], "failover": cells[3], "lost": cells[5], "dups": cells[7]}
    return rows


def main(ours_path, keepalived_path, source):
    ours = [line.rstrip("\n").split("\t") for line in open(ours_path) if line.strip()]
    ka = keepalived_rows(keepalived_path)
    head = ("cut", "system", "dual-active s", "failover ms", "lost", "duplicates")
    table = []
    for r in ours:
        cut = r[0]
        fault = SAME.get(cut)
        for profile in ("usual", "tuned"):
            k = ka.get((profile, fault)) if fault else None
            if k:
                table.append((cut, f"Keepalived {profile}", k["dual"], k["failover"], k["lost"], k["dups"]))
        if fault is None:
            table.append((cut, "Keepalived", "n/a", "n/a", "n/a", "n/a"))
        # lost = at the switch + device steps skipped by a stalled process (Keepalived's "missing" counts both).
        # Without a control plane nothing fails over: the figure is the outage (no collector acting) and the
        # time from the heal to acting again.
        failover = f"none: outage {r[4]}, back {r[8]} after heal" if cut == "cp-loss" else r[2]
        table.append((cut, "our pair", r[1], failover, f"{r[5]}+{r[6]}", r[7]))
    widths = [max(len(str(row[i])) for row in table + [head]) for i in range(len(head))]
    fmt = "| " + " | ".join(f"{{:<{w}}}" for w in widths) + " |"
    print(fmt.format(*head))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in table:
        print(fmt.format(*row))
    print(f"Keepalived figures: {source}.")
    print("n/a: Keepalived has no control plane; a cut of the API server does not touch it (nor fence it).")
    print("our pair lost: at the switch + device steps skipped by a stalled process; Keepalived's lost counts both.")
    print("duplicates: sequence numbers published by both collectors (Keepalived: its 'seq x2').")


if __name__ == "__main__":
    main(*sys.argv[1:4])
