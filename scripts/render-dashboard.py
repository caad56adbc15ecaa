#!/usr/bin/python3
"""Draws the chart's Grafana dashboard from recorded /metrics scrapes, for the docs (no Grafana or Prometheus here).

  scripts/render-dashboard.py record [--out docs/dashboard-scrapes.prom.gz] [--interval 1] [-- DEMO ARGS]
      runs `scripts/demo.sh run` (default: --mode hot), scrapes the operator's /metrics (the URL the demo prints)
      every --interval seconds until the demo ends, and keeps the families the dashboard's queries name.
  scripts/render-dashboard.py render [--scrapes docs/dashboard-scrapes.prom.gz] [--out docs/dashboard.png]
      evaluates every panel query of charts/edge-ha-operator/dashboards/edge-ha-fleet.json over the scrapes, as
      Prometheus would over the same samples, and draws the panels where the dashboard's gridPos puts them.

The scrape file is the text exposition format, each scrape preceded by "# SCRAPE <unix seconds>".
The evaluator knows the query shapes the dashboard uses, and fails on anything else rather than guess:
selectors with = != =~ !~ matchers, range vectors, rate() and increase() (Prometheus' extrapolation and counter
resets), histogram_quantile() (Prometheus' bucket interpolation), sum/max/min/avg/count [by (...)].
Grafana's variables: $namespace and $pair are "All" (.*), $__range is the recorded span, and $__rate_interval,
which Grafana derives from the data source's scrape interval and the panel width, is --rate-interval (10 s).
"""

import argparse
import gzip
import json
import math
import os
import re
import subprocess
import sys
import threading
import time
import urllib.request
from collections import defaultdict

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DASHBOARD = os.path.join(ROOT, "charts", "edge-ha-operator", "dashboards", "edge-ha-fleet.json")
LOOKBACK = 300.0  # Prometheus' instant-vector lookback (5 m)

# ---------------------------------------------------------------- scrapes

SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$')
LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def load_scrapes(path):
    """(what ran, [(t, {series_key: value})]), series_key = frozenset of (label, value) including __name__."""
    scrapes, ran = [], "a demo run"
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("# DEMO "):
                ran = line[len("# DEMO "):]
            elif line.startswith("# SCRAPE "):
                scrapes.append((float(line.split()[2]), {}))
            elif line and not line.startswith("#"):
                m = SAMPLE.match(line)
                if not m:
                    raise ValueError(f"not a sample line: {line}")
                labels = dict(LABEL.findall(m.group(2) or ""))
                labels["__name__"] = m.group(1)
                scrapes[-1][1][frozenset(labels.items())] = float(m.group(3))  # float() reads +Inf, -Inf and NaN too
    return ran, scrapes


# ---------------------------------------------------------------- PromQL (the dashboard's shapes)

TOKEN = re.compile(r'\s*(?:(?P<num>\d+(?:\.\d+)?(?![a-zA-Z]))|(?P<id>[a-zA-Z_:][a-zA-Z0-9_:]*)|(?P<str>"(?:[^"\\]|\\.)*")'
                   r'|(?P<dur>\[[^\]]+\])|(?P<op>=~|!~|!=|[(){},=]))')
AGGREGATIONS = {"sum", "max", "min", "avg", "count"}
FUNCTIONS = {"rate", "increase", "histogram_quantile"}


def tokenize(expr):
    pos, out = 0, []
    while pos < len(expr):
        if expr[pos:].strip() == "":
            break
        m = TOKEN.match(expr, pos)
        if not m:
            raise ValueError(f"cannot read {expr[pos:]!r} in {expr!r}")
        kind = m.lastgroup
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


def parse_duration(text):
    total, units = 0.0, {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400}
    for n, u in re.findall(r'(\d+(?:\.\d+)?)(ms|s|m|h|d)', text):
        total += float(n) * units[u]
    if total <= 0:
        raise ValueError(f"bad duration {text!r}")
    return total


class Parser:
    def __init__(self, expr):
        self.tokens, self.i, self.expr = tokenize(expr), 0, expr

    def peek(self):
        return self.tokens[self.i] if self.i < len(self.tokens) else (None, None)

    def take(self, value=None):
        tok = self.peek()
        if value is not None and tok[1] != value:
            raise ValueError(f"expected {value!r} at {tok[1]!r} in {self.expr!r}")
        self.i += 1
        return tok

    def labels(self):
        self.take("(")
        names = []
        while self.peek()[1] != ")":
            names.append(self.take()[1])
            if self.peek()[1] == ",":
                self.take(",")
        self.take(")")
        return names

    def parse(self):
        node = self.expression()
        if self.i != len(self.tokens):
            raise ValueError(f"unsupported query shape (left over {self.tokens[self.i:]}) in {self.expr!r}")
        return node

    def expression(self):
        kind, value = self.peek()
        if kind == "num":
            self.take()
            return ("num", float(value))
        if kind != "id":
            raise ValueError(f"unsupported query shape at {value!r} in {self.expr!r}")
        self.take()
        if value in AGGREGATIONS:
            by = self.labels() if self.peek()[1] == "by" and self.take() else None
            self.take("(")
            inner = self.expression()
            self.take(")")
            if by is None and self.peek()[1] == "by":
                self.take()
                by = self.labels()
            return ("agg", value, by, inner)
        if value in FUNCTIONS:
            self.take("(")
            args = [self.expression()]
            while self.peek()[1] == ",":
                self.take(",")
                args.append(self.expression())
            self.take(")")
            return ("call", value, args)
        matchers = []
        if self.peek()[1] == "{":
            self.take("{")
            while self.peek()[1] != "}":
                label = self.take()[1]
                op = self.take()[1]
                text = json.loads(self.take()[1])
                matchers.append((label, op, text))
                if self.peek()[1] == ",":
                    self.take(",")
            self.take("}")
        window = None
        if self.peek()[0] == "dur":
            window = parse_duration(self.take()[1][1:-1])
        return ("sel", value, matchers, window)


def metric_names(node):
    kind = node[0]
    if kind == "sel":
        return {node[1]}
    if kind == "agg":
        return metric_names(node[3])
    if kind == "call":
        return set().union(*(metric_names(a) for a in node[2]))
    return set()


class Evaluator:
    def __init__(self, scrapes):
        self.scrapes = scrapes
        self.times = [t for t, _ in scrapes]
        self.by_name = defaultdict(lambda: defaultdict(list))  # name -> key -> [(t, v)]
        for t, samples in scrapes:
            for key, v in samples.items():
                self.by_name[dict(key)["__name__"]][key].append((t, v))

    @staticmethod
    def matches(key, name, matchers):
        labels = dict(key)
        if labels["__name__"] != name:
            return False
        for label, op, text in matchers:
            have = labels.get(label, "")
            ok = {"=": have == text, "!=": have != text,
                  "=~": re.fullmatch(text, have) is not None, "!~": re.fullmatch(text, have) is None}[op]
            if not ok:
                return False
        return True

    def latest_scrape(self, t):
        """The last scrape at or before t within the lookback; a series missing from it is stale (as Prometheus marks it)."""
        best = None
        for st, samples in self.scrapes:
            if st <= t:
                best = (st, samples)
            else:
                break
        return best if best and t - best[0] <= LOOKBACK else None

    def instant(self, node, t):
        kind = node[0]
        if kind == "sel":
            _, name, matchers, window = node
            if window is not None:
                raise ValueError("a range vector needs rate() or increase()")
            scrape = self.latest_scrape(t)
            if scrape is None:
                return {}
            return {key: v for key, v in scrape[1].items() if self.matches(key, name, matchers)}
        if kind == "agg":
            _, op, by, inner = node
            groups = defaultdict(list)
            for key, v in self.instant(inner, t).items():
                labels = dict(key)
                group = frozenset((k, labels[k]) for k in (by or []) if k in labels)
                groups[group].append(v)
            reduce = {"sum": sum, "max": max, "min": min, "avg": lambda xs: sum(xs) / len(xs), "count": len}[op]
            return {g: float(reduce(vs)) for g, vs in groups.items()}
        if kind == "call":
            _, fn, args = node
            if fn in ("rate", "increase"):
                return self.extrapolated_rate(args[0], t, fn == "rate")
            if fn == "histogram_quantile":
                return self.histogram_quantile(args[0][1], self.instant(args[1], t))
        raise ValueError(f"cannot evaluate {node}")

    def extrapolated_rate(self, node, t, is_rate):
        """Prometheus' extrapolatedRate (promql/functions.go) for counters."""
        if node[0] != "sel" or node[3] is None:
            raise ValueError("rate()/increase() need a range vector selector")
        _, name, matchers, window = node
        start, out = t - window, {}
        for key, points in self.by_name[name].items():
            if not self.matches(key, name, matchers):
                continue
            pts = [(pt, v) for pt, v in points if start < pt <= t]
            if len(pts) < 2:
                continue
            result, previous = pts[-1][1] - pts[0][1], pts[0][1]
            for _, v in pts[1:]:
                if v < previous:
                    result += previous  # a counter reset
                previous = v
            first_t, last_t = pts[0][0], pts[-1][0]
            sampled = last_t - first_t
            average = sampled / (len(pts) - 1)
            to_start, to_end = first_t - start, t - last_t
            threshold = average * 1.1
            if to_start >= threshold:
                to_start = average / 2
            if result > 0 and pts[0][1] >= 0:
                to_start = min(to_start, sampled * (pts[0][1] / result))  # a counter does not extrapolate below zero
            if to_end >= threshold:
                to_end = average / 2
            result *= (sampled + to_start + to_end) / sampled
            if is_rate:
                result /= window
            out[frozenset((k, v) for k, v in key if k != "__name__")] = result
        return out

    @staticmethod
    def histogram_quantile(q, vector):
        """Prometheus' bucketQuantile (promql/quantile.go), per series without le."""
        groups = defaultdict(list)
        for key, v in vector.items():
            labels = dict(key)
            if "le" not in labels:
                continue
            le = float(labels.pop("le").replace("+Inf", "inf"))
            labels.pop("__name__", None)
            groups[frozenset(labels.items())].append((le, v))
        out = {}
        for group, buckets in groups.items():
            buckets.sort()
            if len(buckets) < 2 or not math.isinf(buckets[-1][0]):
                continue
            counts, running = [], 0.0
            for _, c in buckets:
                running = max(running, c)  # monotonicity, as Prometheus enforces
                counts.append(running)
            observations = counts[-1]
            if observations == 0 or math.isnan(observations):
                continue  # NaN: no point drawn
            rank = q * observations
            b = next(i for i, c in enumerate(counts) if c >= rank)
            if b == len(buckets) - 1:
                out[group] = buckets[-2][0]
                continue
            if b == 0 and buckets[0][0] <= 0:
                out[group] = buckets[0][0]
                continue
            start, end, count = 0.0, buckets[b][0], counts[b]
            if b > 0:
                start, count, rank = buckets[b - 1][0], counts[b] - counts[b - 1], rank - counts[b - 1]
            out[group] = start + (end - start) * (rank / count)
        return out


def substitute(expr, rate_interval, span):
    expr = expr.replace("$__rate_interval", f"{rate_interval:g}s").replace("$__range", f"{max(span, 1):.0f}s")
    return expr.replace("$namespace", ".*").replace("$pair", ".*")


# ---------------------------------------------------------------- record


def record(args):
    with open(DASHBOARD, encoding="utf-8") as f:
        dashboard = json.load(f)
    names = set()
    for panel in dashboard["panels"]:
        for target in panel["targets"]:
            names |= metric_names(Parser(substitute(target["expr"], 30, 60)).parse())
    keep = {n for n in names} | {n[: -len("_bucket")] for n in names if n.endswith("_bucket")}
    family = re.compile(r'^(?:# (?:HELP|TYPE) )?([a-zA-Z_:][a-zA-Z0-9_:]*)')

    def wanted(line):
        m = family.match(line)
        name = m.group(1) if m else ""
        return name in keep or re.sub(r'_(bucket|sum|count)$', "", name) in keep

    demo = subprocess.Popen([os.path.join(ROOT, "scripts", "demo.sh"), "run", *(args.demo_args or ["--mode", "hot"])],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
    url, stop, count = None, threading.Event(), [0]
    out = gzip.open(args.out, "wt", encoding="utf-8", compresslevel=9)
    out.write(f"# DEMO scripts/demo.sh run {' '.join(args.demo_args or ['--mode', 'hot'])}\n")

    def scrape_loop():
        while not stop.is_set():
            started = time.time()
            try:
                with urllib.request.urlopen(url, timeout=2) as r:
                    text = r.read().decode("utf-8")
                out.write(f"# SCRAPE {started:.3f}\n")
                out.write("".join(line + "\n" for line in text.splitlines() if line and wanted(line)))
                count[0] += 1
            except OSError:
                pass  # the operator is starting or gone; a missing scrape is what Prometheus would see too
            stop.wait(max(0.0, args.interval - (time.time() - started)))

    scraper = [None]

    def follow():
        nonlocal url
        for line in demo.stdout:
            sys.stdout.write(line)
            m = re.search(r'metrics (http://127\.0\.0\.1:\d+/metrics)', line)
            if m and scraper[0] is None:
                url = m.group(1)
                scraper[0] = threading.Thread(target=scrape_loop, daemon=True)
                scraper[0].start()

    # The demo's output is followed on the side: demo.sh's watchdog sleep keeps the pipe open after the demo exits.
    threading.Thread(target=follow, daemon=True).start()
    rc = demo.wait()
    stop.set()
    if scraper[0]:
        scraper[0].join()
    out.close()
    print(f"== {count[0]} scrapes of {url} in {args.out} ({os.path.getsize(args.out)} bytes); the demo exited {rc}")
    return 0 if count[0] else 1


# ---------------------------------------------------------------- render

GRAFANA_BG, PANEL_BG, TEXT, GRID = "#111217", "#181b1f", "#ccccdc", "#2c3235"
PALETTE = ["#73bf69", "#f2cc0c", "#8ab8ff", "#ff780a", "#f2495c", "#5794f2", "#b877d9", "#705da0", "#37872d", "#fade2a"]


def legend(fmt, group):
    labels = dict(group)
    text = re.sub(r'\{\{\s*(\w+)\s*\}\}', lambda m: labels.get(m.group(1), ""), fmt or "")
    return text or ", ".join(f"{k}={v}" for k, v in sorted(labels.items())) or "value"


def format_value(v, unit):
    if unit == "s":
        return f"{v * 1000:.0f} ms" if abs(v) < 1 else f"{v:.2f} s"
    if unit in ("ops", "reqps"):
        return f"{v:.2f}/s"
    return f"{v:.0f}" if float(v).is_integer() else f"{v:.2f}"


def render(args):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.dates as mdates
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, MaxNLocator
    from datetime import datetime, timezone

    with open(DASHBOARD, encoding="utf-8") as f:
        dashboard = json.load(f)
    ran, scrapes = load_scrapes(args.scrapes)
    if len(scrapes) < 2:
        raise SystemExit(f"{args.scrapes}: {len(scrapes)} scrapes; need at least 2")
    ev = Evaluator(scrapes)
    t0, t1 = scrapes[0][0], scrapes[-1][0]
    steps = [t for t, _ in scrapes]
    panels = dashboard["panels"]
    rows = max(p["gridPos"]["y"] + p["gridPos"]["h"] for p in panels)
    fig = plt.figure(figsize=(20, rows * 0.5 + 1.0), facecolor=GRAFANA_BG)
    grid = fig.add_gridspec(rows, 24, left=0.035, right=0.99, top=1 - 0.9 / (rows * 0.5 + 1.0), bottom=0.03, wspace=1.6, hspace=3.2)
    start = datetime.fromtimestamp(t0, timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    fig.suptitle(f"{dashboard['title']}  —  {len(scrapes)} scrapes of the operator during `{ran}`, {start} UTC + {t1 - t0:.0f} s "
                 f"(namespace/pair: All, $__rate_interval = {args.rate_interval:g}s)", color=TEXT, fontsize=13, x=0.01, ha="left")
    to_dt = lambda t: datetime.fromtimestamp(t, timezone.utc)

    for p in panels:
        g = p["gridPos"]
        ax = fig.add_subplot(grid[g["y"]:g["y"] + g["h"], g["x"]:g["x"] + g["w"]])
        ax.set_facecolor(PANEL_BG)
        for spine in ax.spines.values():
            spine.set_color(GRID)
        ax.set_title(p["title"], color=TEXT, fontsize=11, loc="left", fontweight="bold")
        unit = p.get("fieldConfig", {}).get("defaults", {}).get("unit")
        series = {}  # (refId, group) -> [(t, v)]
        for target in p["targets"]:
            node = Parser(substitute(target["expr"], args.rate_interval, t1 - t0)).parse()
            for t in steps:
                for group, v in ev.instant(node, t).items():
                    if not math.isnan(v):
                        series.setdefault((target["refId"], legend(target.get("legendFormat"), group)), []).append((t, v))
        if p["type"] == "stat":
            ax.set_xticks([])
            ax.set_yticks([])
            last = [pts[-1][1] for pts in series.values() if pts]
            mappings = {k: o["text"] for m in p.get("fieldConfig", {}).get("defaults", {}).get("mappings", []) for k, o in m["options"].items()}
            steps_cfg = p.get("fieldConfig", {}).get("defaults", {}).get("thresholds", {}).get("steps", [])
            if not last:
                ax.text(0.5, 0.5, "No data", color="#8e8e8e", fontsize=20, ha="center", va="center", transform=ax.transAxes)
            else:
                value = sum(last) if p["targets"][0]["expr"].startswith("sum") else max(last)
                color = TEXT
                for s in steps_cfg:
                    if s["value"] is None or value >= s["value"]:
                        color = {"green": "#73bf69", "red": "#f2495c"}.get(s["color"], s["color"])
                shown = mappings.get(f"{value:g}", format_value(round(value, 2), unit))
                ax.text(0.5, 0.5, shown, color=color, fontsize=34, fontweight="bold", ha="center", va="center", transform=ax.transAxes)
            continue
        ax.tick_params(colors=TEXT, labelsize=8)
        ax.grid(True, color=GRID, linewidth=0.6)
        ax.set_xlim(to_dt(t0), to_dt(t1))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%H:%M:%S", tz=timezone.utc))
        ax.xaxis.set_major_locator(MaxNLocator(6))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _, unit=unit: format_value(v, unit)))
        if not series:
            ax.text(0.5, 0.5, "No data", color="#8e8e8e", fontsize=16, ha="center", va="center", transform=ax.transAxes)
            note = {"leader_election_renew_errors_total"} & set().union(*(metric_names(Parser(substitute(t["expr"], 30, 60)).parse()) for t in p["targets"]))
            if note:
                ax.text(0.5, 0.3, "(the demo runs one operator replica, without leader election)", color="#8e8e8e", fontsize=9,
                        ha="center", va="center", transform=ax.transAxes)
            ax.set_yticks([])
            continue
        stacked = p.get("fieldConfig", {}).get("defaults", {}).get("custom", {}).get("stacking", {}).get("mode") == "normal"
        names = sorted(series, key=lambda k: (k[0], k[1]))
        if stacked:
            # Stack on the common steps (a missing point counts 0, as Grafana's stacking does).
            base, drawn = {t: 0.0 for t in steps}, 0
            for key in names:
                values = dict(series[key])
                top = {t: base[t] + values.get(t, 0.0) for t in steps}
                if max(values.values()) > 0:  # an all-zero layer adds nothing to see
                    color = PALETTE[drawn % len(PALETTE)]
                    drawn += 1
                    ax.fill_between([to_dt(t) for t in steps], [base[t] for t in steps], [top[t] for t in steps],
                                    color=color, alpha=0.45, step="post", linewidth=0)
                    ax.step([to_dt(t) for t in steps], [top[t] for t in steps], where="post", color=color, linewidth=1.2, label=key[1])
                base = top
        else:
            for i, key in enumerate(names):
                pts = series[key]
                # Gaps where the query returned nothing (spanNulls: false).
                xs, ys, previous = [], [], None
                for t, v in pts:
                    if previous is not None and t - previous > 1.5 * (steps[1] - steps[0]) + 0.5:
                        xs.append(None)
                        ys.append(None)
                    xs.append(to_dt(t))
                    ys.append(v)
                    previous = t
                runs, current = [], ([], [])
                for x, y in zip(xs, ys):
                    if x is None:
                        runs.append(current)
                        current = ([], [])
                    else:
                        current[0].append(x)
                        current[1].append(y)
                runs.append(current)
                color = PALETTE[i % len(PALETTE)]
                for j, (rx, ry) in enumerate(runs):
                    if rx:
                        ax.plot(rx, ry, color=color, linewidth=1.4, marker="o" if len(rx) == 1 else None, markersize=3, label=key[1] if j == 0 else None)
                        ax.fill_between(rx, ry, color=color, alpha=0.08)
        highest = max((v for pts in series.values() for _, v in pts), default=0)
        ax.set_ylim(0, highest * 1.3 if highest > 0 else 1)  # head room for the legend; an all-zero panel shows 0..1
        if unit not in ("s",):
            ax.yaxis.set_major_locator(MaxNLocator(5, integer=unit == "short"))
        leg = ax.legend(loc="upper left", fontsize=8, frameon=False, ncol=min(len(names), 4), labelcolor=TEXT, handlelength=1.2, columnspacing=1.0)
        if leg:
            leg.set_zorder(5)
    fig.savefig(args.out, dpi=args.dpi, facecolor=GRAFANA_BG)
    print(f"== {args.out}: {len(panels)} panels over {len(scrapes)} scrapes ({t1 - t0:.0f} s)")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="cmd", required=True)
    rec = sub.add_parser("record", help="run the demo and scrape the operator's /metrics")
    rec.add_argument("--out", default=os.path.join(ROOT, "docs", "dashboard-scrapes.prom.gz"))
    rec.add_argument("--interval", type=float, default=1.0, help="seconds between scrapes")
    rec.add_argument("demo_args", nargs="*", help="after --: arguments of scripts/demo.sh run (default --mode hot)")
    ren = sub.add_parser("render", help="draw the dashboard from recorded scrapes")
    ren.add_argument("--scrapes", default=os.path.join(ROOT, "docs", "dashboard-scrapes.prom.gz"))
    ren.add_argument("--out", default=os.path.join(ROOT, "docs", "dashboard.png"))
    ren.add_argument("--rate-interval", type=float, default=10.0, help="seconds substituted for $__rate_interval")
    ren.add_argument("--dpi", type=int, default=80)
    args = parser.parse_args()
    return record(args) if args.cmd == "record" else render(args)


if __name__ == "__main__":
    sys.exit(main())
