#!/usr/bin/python3
"""bench.py - the helpers of bench/run.sh: ports, gRPC frames, pgbench scripts from server/sql.c, p50/p99, the table.

Subcommands (run.sh is the only caller):
  freeport                      print a free TCP port on 127.0.0.1
  snap                          print CPU counters of Postgres, volumed, the gateway and a load tool
  frame IN OUT                  wrap protobuf bytes in a gRPC frame (0, 4-byte big-endian length, bytes)
  script TOOL KIND OUT          write the pgbench script of KIND from `TOOL NAME...` (bench/sqlstmt.c);
                                print the pgbench -M mode that sends it the way volumed does
  record ...                    turn one measurement's per-request log into a line of results.jsonl
  rss ...                       record volumed's memory over the long run
  table RESULTS SETTINGS        print the one table and the bars
"""
import argparse
import glob
import json
import math
import os
import re
import socket
import struct
import subprocess
import sys
import time

# The statements of each pgbench script, by their name in server/sql.c, with
# the pgbench variable bound to each $n. None is SQL NULL: pgbench sends a
# variable that was never set as a NULL parameter in extended and prepared
# mode, which is what volumed sends for a filter the request leaves empty.
NULL = "unset_is_null"
SCRIPTS = {
    # GetVolume: one statement, outside a transaction (store_volume.c).
    "get": [("VD_SQL_VOLUME_GET", ["vol"])],
    # ListVolumes filtered by host, first page: LIMIT page_size + 1. (When
    # server/sql.c has a statement for a host filter alone, volumed sends
    # that one instead: see LIST_BY_HOST.)
    "list": [("VD_SQL_VOLUME_LIST", ["host", NULL, NULL, NULL, NULL, "after_ts", "after_id", "limit"])],
    # One attach and one detach, statement for statement as store_attach.c
    # runs them (vd_db_transact: BEGIN, body, COMMIT).
    "pairs": [
        ("VD_SQL_BEGIN", []),
        ("VD_SQL_VOLUME_LOCK", ["vol", "vm"]),
        ("VD_SQL_ATTACH_CONFLICTS", ["vol", "vm", "drive"]),
        ("VD_SQL_ATTACHMENT_INSERT", ["att", "vol", "vm", "drive", "read_only"]),
        ("VD_SQL_COMMIT", []),
        ("VD_SQL_BEGIN", []),
        ("VD_SQL_VOLUME_LOCK", ["vol", "vm"]),
        ("VD_SQL_ATTACHMENT_DELETE", ["vol", "vm"]),
        ("VD_SQL_VOLUME_GET", ["vol"]),
        ("VD_SQL_COMMIT", []),
    ],
}

# Each pgbench client works on a pair of its own, the same rows vbench uses
# (run.sh loads them with these names). The ids are looked up once, on the
# client's first transaction, so every later statement is volumed's own.
PAIRS_PROLOGUE = """\\if :ready = 0
SELECT md5('bench-pair-vol-' || :client_id)::uuid AS vol, md5('bench-pair-vm-' || :client_id)::uuid AS vm,
       md5('bench-pair-att-' || :client_id)::uuid AS att \\gset
\\set ready 1
\\endif
"""


LIST_BY_HOST = [("VD_SQL_VOLUME_LIST_BY_HOST", ["host", "after_ts", "after_id", "limit"])]


def die(msg):
    print("bench.py: " + msg, file=sys.stderr)
    sys.exit(1)


def cmd_freeport(_):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    print(s.getsockname()[1])
    s.close()


def proc_ticks(pid, children=False):
    """utime+stime (and, for children, the reaped children's) of a process, in clock ticks."""
    try:
        f = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    # After the command name: state ppid ... utime(12) stime(13) cutime(14) cstime(15).
    return int(f[11]) + int(f[12]) + (int(f[13]) + int(f[14]) if children else 0)


def cmd_snap(a):
    """One line of CPU counters (clock ticks) for the CPU columns of the table."""
    cpu = [int(x) for x in open("/proc/stat").readline().split()[1:]]
    busy = cpu[0] + cpu[1] + cpu[2] + cpu[5] + cpu[6]  # user nice system irq softirq
    pg = proc_ticks(a.postmaster, children=True)  # exited backends are in its cutime
    try:
        kids = open(f"/proc/{a.postmaster}/task/{a.postmaster}/children").read().split()
    except OSError:
        kids = [d.split("/")[2] for d in glob.glob("/proc/[0-9]*/stat")
                if open(d).read().rsplit(")", 1)[1].split()[1] == str(a.postmaster)]
    for k in kids:
        pg += proc_ticks(k)
    print(json.dumps({"t": time.monotonic(), "busy": busy, "pg": pg, "vd": proc_ticks(a.volumed),
                      "gw": proc_ticks(a.gateway) if a.gateway else 0,
                      "tool": proc_ticks(a.tool) if a.tool else 0,
                      "alive": bool(a.tool) and os.path.exists(f"/proc/{a.tool}")}))


def cmd_frame(a):
    body = open(a.input, "rb").read()
    with open(a.output, "wb") as f:
        f.write(b"\0" + struct.pack(">I", len(body)) + body)


def cmd_script(a):
    steps = SCRIPTS[a.kind]
    if a.kind == "list" and subprocess.run([a.tool, LIST_BY_HOST[0][0]], capture_output=True).returncode == 0:
        steps = LIST_BY_HOST
    names = sorted({name for name, _ in steps})
    out = subprocess.run([a.tool] + names, check=True, capture_output=True, text=True).stdout
    stmts = {}
    for line in out.splitlines():
        name, mode, nparams, text = line.split("\t", 3)
        stmts[name] = (mode, int(nparams), text)
    modes = set()
    lines = [PAIRS_PROLOGUE] if a.kind == "pairs" else []
    for name, params in steps:
        mode, nparams, text = stmts[name]
        if nparams != len(params):
            die(f"{name} takes {nparams} parameters in server/sql.c, bench.py binds {len(params)}: "
                "update SCRIPTS in bench/bench.py (and check the sequence against server/store_*.c)")
        modes.add(mode)
        used = set(int(n) for n in re.findall(r"\$(\d+)", text))
        if used != set(range(1, nparams + 1)):
            die(f"{name}: parameters {sorted(used)} do not match its count {nparams}")
        lines.append(re.sub(r"\$(\d+)", lambda m: ":" + params[int(m.group(1)) - 1], text) + ";\n")
    if len(modes) != 1:
        die(f"script {a.kind} mixes prepared and per-call planned statements; pgbench cannot")
    with open(a.output, "w") as f:
        f.writelines(lines)
    # volumed prepares most statements once per connection (-M prepared);
    # "replan" ones go as unnamed statements with parameters (-M extended).
    print("prepared" if modes == {"prepared"} else "extended")


def percentile(sorted_vals, p):
    if not sorted_vals:
        return None
    k = max(0, math.ceil(p / 100.0 * len(sorted_vals)) - 1)
    return sorted_vals[k]


def pgbench_fix(recs):
    """Re-derives the latencies pgbench logs as 0 us.

    pgbench reads its clock once per step of a client's state machine; when
    the answer is already there the first time it looks (common on 2 cores,
    where sending wakes the backend at once), the transaction starts and ends
    on the same reading and is logged as taking 0 us, with its start as its
    end. A client starts its next transaction right after the previous one
    ends, so for those the time to the same client's next start is used: an
    upper bound (it adds pgbench's own few microseconds between two
    transactions), so it can only make Postgres look slower, never faster.
    The last transaction of a client has no next start and is dropped when
    it was logged as 0."""
    out = []
    by_client = {}
    for client, txno, end, lat, ok in recs:
        by_client.setdefault(client, []).append((txno, end, lat, ok))
    for txs in by_client.values():
        txs.sort()
        for k, (_, end, lat, ok) in enumerate(txs):
            if ok and lat == 0:
                if k + 1 == len(txs):
                    continue
                _, nend, nlat, _ = txs[k + 1]
                lat = (nend - nlat) - end
                end = end + lat
            out.append((end, lat, ok))
    return out


def read_log(fmt, paths, group=None):
    """(end_us, latency_us, ok) for every request in the logs (of one group, for vbench register)."""
    out = []
    pg = []
    for path in paths:
        for line in open(path):
            f = line.split()
            if not f:
                continue
            if fmt == "pgbench":
                # client_id transaction_no time script_no time_epoch time_us [lag]
                end = int(f[4]) * 1000000 + int(f[5])
                if f[2].isdigit():
                    pg.append((int(f[0]), int(f[1]), end, int(f[2]), True))
                else:  # "failed" or "skipped"
                    pg.append((int(f[0]), int(f[1]), end, 0, False))
            elif fmt == "h2load":
                # start time (us since the epoch), HTTP status, us to the end of the response
                start, status, lat = int(f[0]), int(f[1]), int(f[2])
                out.append((start + lat, lat, status == 200))
            elif fmt == "vbench":
                # end (us since the epoch), latency (us)[, group]
                if group is None or (len(f) > 2 and f[2] == group):
                    out.append((int(f[0]), int(f[1]), True))
            else:
                die("unknown log format " + fmt)
    return out + pgbench_fix(pg)


def wrk_figures(text):
    """Requests/s, p50 and p99 (us) and errors from wrk --latency output."""
    unit = {"us": 1.0, "ms": 1000.0, "s": 1000000.0}

    def us(v):
        m = re.fullmatch(r"([0-9.]+)(us|ms|s)", v)
        return float(m.group(1)) * unit[m.group(2)]

    rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", text).group(1))
    p50 = us(re.search(r"^\s+50%\s+(\S+)", text, re.M).group(1))
    p99 = us(re.search(r"^\s+99%\s+(\S+)", text, re.M).group(1))
    n = int(re.search(r"(\d+) requests in", text).group(1))
    errors = 0
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    if m:
        errors += int(m.group(1))
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    if m:
        errors += sum(int(x) for x in m.groups())
    return rps, p50, p99, n, errors


def cmd_record(a):
    row = {"phase": a.phase, "kind": a.kind, "conc": a.conc, "side": a.side, "errors": 0, "note": a.note or ""}
    if a.host_volumes is not None:
        row["host_volumes"] = a.host_volumes
    if a.format == "wrk":
        rps, p50, p99, n, errors = wrk_figures(open(a.stdout).read())
        row.update(ops=rps, p50=p50, p99=p99, n=n, errors=errors)
    else:
        paths = sorted(set(p for pattern in a.log for p in glob.glob(pattern)))
        if not paths:
            die("no log matches " + " ".join(a.log))
        recs = read_log(a.format, paths, a.group)
        recs.sort()
        if a.skip_first:
            recs = recs[a.skip_first:]
        if not recs:
            die("empty log " + " ".join(paths))
        start = min(end - lat for end, lat, _ in recs)
        cut = start + a.warmup * 1e6
        kept = [r for r in recs if r[0] >= cut]
        first = cut if a.warmup else start
        span = (max(r[0] for r in kept) - first) / 1e6 if kept else 0
        lats = sorted(lat for _, lat, ok in kept if ok)
        row.update(ops=len(lats) / span if span > 0 else 0.0, p50=percentile(lats, 50),
                   p99=percentile(lats, 99), n=len(lats), errors=sum(1 for r in kept if not r[2]))
    if a.format == "h2load" and a.stdout:
        text = open(a.stdout).read()
        m = re.search(r"requests: \d+ total, \d+ started, \d+ done, \d+ succeeded, (\d+) failed, (\d+) errored, "
                      r"(\d+) timeout", text)
        row["errors"] += sum(int(x) for x in m.groups()) if m else 1
        # gRPC answers errors with HTTP 200 too: an answer without the
        # expected message shows in the body bytes per request.
        m = re.search(r"traffic: .* ([0-9]+)\) data", text)
        if a.expect_bytes and m and row["n"]:
            per = int(m.group(1)) / row["n"]
            if abs(per - a.expect_bytes) > 0.05 * a.expect_bytes:
                row["errors"] += row["n"]
                row["note"] += f"body {per:.0f} B per answer, expected {a.expect_bytes} B"
    if a.snaps and len(a.snaps) == 2:
        try:
            s0, s1 = (json.loads(open(p).read()) for p in a.snaps)
        except (OSError, ValueError):
            s0 = s1 = None
        hz = os.sysconf("SC_CLK_TCK")
        if s0 and s1 and a.tool_cpu_us is not None:
            # The tool ran inside the window and reported its own CPU time.
            s1 = dict(s1, tool=s0["tool"] + a.tool_cpu_us * hz / 1e6, alive=True)
        # A tool that ended before the second reading took its counters with it.
        if s0 and s1 and s1["t"] > s0["t"] and row["ops"] > 0 and s1["alive"]:
            ops = a.window_ops or row["ops"] * (s1["t"] - s0["t"])
            us = {k: (s1[k] - s0[k]) / hz * 1e6 / ops for k in ("pg", "vd", "gw", "tool")}
            row["cpu"] = {"pg": us["pg"], "vd": us["vd"] + us["gw"], "tool": us["tool"]}
            ours = sum(s1[k] - s0[k] for k in ("pg", "vd", "gw", "tool"))
            others = (s1["busy"] - s0["busy"] - ours) / hz / (s1["t"] - s0["t"]) / os.cpu_count()
            row["others"] = max(0.0, 100 * others)
    with open(a.out, "a") as f:
        f.write(json.dumps(row) + "\n")


def cmd_rss(a):
    samples = [int(x) for x in open(a.samples).read().split()] or [a.after]
    row = {"phase": a.phase, "kind": "rss", "conc": a.conc, "side": "volumed", "idle": a.idle,
           "before": a.before, "peak": max(samples + [a.before, a.after]), "after": a.after,
           "requests": a.requests, "errors": a.errors, "note": ""}
    with open(a.out, "a") as f:
        f.write(json.dumps(row) + "\n")


# --- the table -------------------------------------------------------------

LABEL = {
    ("get", "pg"): "GetVolume       pgbench",
    ("get", "grpc"): "GetVolume       gRPC (h2load)",
    ("rest", "rest"): "GetVolume       REST (wrk)",
    ("list", "pg"): "ListVolumes 100 pgbench",
    ("list", "grpc"): "ListVolumes 100 gRPC (h2load)",
    ("pairs", "pg"): "attach+detach   pgbench",
    ("pairs", "grpc"): "attach+detach   gRPC (vbench)",
    ("register", "small"): "RegisterVolume  gRPC",
    ("register", "big"): "RegisterVolume  gRPC",
}
# (kind, side) -> the (kind, side) it is compared with, at the same volumes and concurrency.
BASELINE = {("get", "grpc"): ("get", "pg"), ("list", "grpc"): ("list", "pg"),
            ("pairs", "grpc"): ("pairs", "pg"), ("rest", "rest"): ("get", "grpc"),
            ("register", "big"): ("register", "small")}
# Lines in the order they are printed, each concurrency's lines together.
GROUPS = [[("get", "pg"), ("get", "grpc"), ("rest", "rest")], [("list", "pg"), ("list", "grpc")],
          [("pairs", "pg"), ("pairs", "grpc")], [("register", "small"), ("register", "big")]]
BAR_CONC = 8


def ms(us):
    return "-" if us is None else f"{us / 1000:.3f}" if us < 10000 else f"{us / 1000:.1f}"


def count(n):
    if n >= 1000000 and n % 1000000 == 0:
        return f"{n // 1000000}M"
    return f"{n // 1000}k" if n >= 1000 and n % 1000 == 0 else f"{n:,}"


def mib(kib):
    return f"{kib / 1024:.1f} MiB"


def cmd_table(a):
    rows = [json.loads(line) for line in open(a.results)]
    idx = {(r["phase"], r["kind"], r["side"], r["conc"]): r for r in rows}
    phases = sorted({r["phase"] for r in rows})
    print(open(a.settings).read().rstrip("\n"))
    print()
    w = 30
    print(f"{'':>7}  {'':<{w}} {'':>4} {'':>8} {'':>7} {'':>7}  {'-- vs baseline --':^19}  "
          f"{'CPU us per op':^17} {'others':>6}")
    hdr = (f"{'volumes':>7}  {'line':<{w}} {'conc':>4} {'ops/s':>8} {'p50 ms':>7} {'p99 ms':>7}"
           f"  {'ops/s':>5} {'p50':>6} {'p99':>6}  {'Postgr':>6}{'volmd':>6}{'tool':>5} {'CPU %':>6}  {'errors':>6}")
    print(hdr)
    print("-" * len(hdr))
    for phase in phases:
        label_phase = count(phase)
        for group in GROUPS:
            concs = sorted({r["conc"] for r in rows if r["phase"] == phase and (r["kind"], r["side"]) in group})
            for c in concs:
                for kind, side in group:
                    r = idx.get((phase, kind, side, c))
                    if not r:
                        continue
                    base = None
                    label = LABEL[(kind, side)]
                    if kind == "register":
                        label += f", host {count(r['host_volumes'])}"
                    if (kind, side) in BASELINE:
                        bk, bs = BASELINE[(kind, side)]
                        base = idx.get((phase, bk, bs, c))
                    ratio = ""
                    if base and base["ops"] and base["p50"] and base["p99"] and r["p50"] is not None:
                        ratio = (f"{100 * r['ops'] / base['ops']:>4.0f}% {r['p50'] / base['p50']:>5.2f}x"
                                 f" {r['p99'] / base['p99']:>5.2f}x")
                    cpu = ""
                    if "cpu" in r:
                        u = r["cpu"]
                        vd = f"{u['vd']:>6.0f}" if side != "pg" else f"{'':>6}"
                        cpu = f"{u['pg']:>6.0f}{vd}{u['tool']:>5.0f} {r['others']:>5.0f}%"
                    note = "  " + r["note"] if r["note"] else ""
                    print(f"{label_phase:>7}  {label:<{w}} {c:>4} {r['ops']:>8,.0f} {ms(r['p50']):>7} "
                          f"{ms(r['p99']):>7}  {ratio:<19}  {cpu:<24}  {r['errors']:>6}{note}")
                    label_phase = ""
        for r in rows:
            if r["phase"] == phase and r["kind"] == "rss":
                print(f"{'':>7}  volumed RSS over {r['requests']:,} requests ({r['conc']} streams): "
                      f"idle {mib(r['idle'])}, before {mib(r['before'])}, peak {mib(r['peak'])}, "
                      f"after {mib(r['after'])}; errors {r['errors']}")
        print()
    for line in a.note or []:
        print(line)
    if a.note:
        print()
    bars(rows, idx, phases)


def bars(rows, idx, phases):
    big = max(phases)
    where = f"{count(big)} volumes"
    out = []

    def ratio_bar(text, kind, side, limit):
        bk, bs = BASELINE[(kind, side)]
        r, b = idx.get((big, kind, side, BAR_CONC)), idx.get((big, bk, bs, BAR_CONC))
        if not r or not b or not b["ops"]:
            out.append((text, "not measured", "NOT MEASURED"))
            return
        v = r["ops"] / b["ops"]
        ok = v >= limit and r["errors"] == 0 and b["errors"] == 0
        out.append((text, f"{100 * v:.0f}% ({r['ops']:,.0f} vs {b['ops']:,.0f} ops/s, {where})",
                    "MET" if ok else "NOT MET"))

    ratio_bar(f"GetVolume gRPC at {BAR_CONC} streams >= 60% of pgbench", "get", "grpc", 0.60)
    ratio_bar(f"attach+detach at {BAR_CONC} >= 80% of pgbench", "pairs", "grpc", 0.80)
    ratio_bar(f"REST via gateway at {BAR_CONC} >= 70% of direct gRPC", "rest", "rest", 0.70)

    # A latency bar: one client (latency alone) and BAR_CONC (under load).
    lrs = [idx.get((big, "list", "grpc", c)) for c in (1, BAR_CONC)]
    if all(lrs):
        note = "" if big >= 1000000 else f" -- only {count(big)} volumes in this run"
        ok = all(r["p99"] <= 10000 and r["errors"] == 0 for r in lrs) and big >= 1000000
        out.append((f"ListVolumes page of 100 (host filter) p99 <= 10 ms at 1 and {BAR_CONC} clients",
                    f"{ms(lrs[0]['p99'])} ms at 1, {ms(lrs[1]['p99'])} ms at {BAR_CONC} ({where}){note}",
                    "MET" if ok else "NOT MET"))
    else:
        out.append(("ListVolumes page of 100 p99 <= 10 ms", "not measured", "NOT MEASURED"))

    # Both hosts are in the same database and their calls alternate, so the
    # ratio is what the host's size costs, not the database's or the moment's.
    lo, hi = idx.get((big, "register", "small", 1)), idx.get((big, "register", "big", 1))
    if lo and hi and lo["host_volumes"] < hi["host_volumes"]:
        v = hi["p50"] / lo["p50"]
        out.append((f"RegisterVolume flat from {count(lo['host_volumes'])} to {count(hi['host_volumes'])}"
                    " volumes per host (p50 grows <= 25%)",
                    f"p50 {ms(lo['p50'])} -> {ms(hi['p50'])} ms ({v:.2f}x), p99 {ms(lo['p99'])} -> "
                    f"{ms(hi['p99'])} ms ({where})",
                    "MET" if v <= 1.25 and lo["errors"] == 0 and hi["errors"] == 0 else "NOT MET"))
    else:
        out.append(("RegisterVolume flat with volumes per host", "not measured", "NOT MEASURED"))

    rss = [r for r in rows if r["kind"] == "rss"]
    if rss:
        r = rss[-1]
        growth = r["after"] - r["before"]
        # Flat: at most 2 MiB or 5 % more after the run than before it.
        flat = growth <= max(2048, 0.05 * r["before"])
        ok = r["peak"] <= 64 * 1024 and flat and r["errors"] == 0
        out.append((f"volumed RSS <= 64 MiB under load, flat over {r['requests']:,} requests (growth <= 2 MiB or 5%)",
                    f"peak {mib(r['peak'])}, {mib(r['before'])} -> {mib(r['after'])}",
                    "MET" if ok else "NOT MET"))
    else:
        out.append(("volumed RSS <= 64 MiB, flat", "not measured", "NOT MEASURED"))

    w = max(len(t) for t, _, _ in out)
    print("Quality bars (PRODUCT.md)")
    for text, value, verdict in out:
        print(f"  {text:<{w}}  {verdict:<12}  {value}")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("freeport").set_defaults(fn=cmd_freeport)
    s = sub.add_parser("snap")
    s.add_argument("--postmaster", type=int, required=True)
    s.add_argument("--volumed", type=int, required=True)
    s.add_argument("--gateway", type=int)
    s.add_argument("--tool", type=int)
    s.set_defaults(fn=cmd_snap)
    s = sub.add_parser("frame")
    s.add_argument("input")
    s.add_argument("output")
    s.set_defaults(fn=cmd_frame)
    s = sub.add_parser("script")
    s.add_argument("tool")
    s.add_argument("kind", choices=sorted(SCRIPTS))
    s.add_argument("output")
    s.set_defaults(fn=cmd_script)
    s = sub.add_parser("record")
    s.add_argument("--out", required=True)
    s.add_argument("--phase", type=int, required=True)
    s.add_argument("--kind", required=True)
    s.add_argument("--side", required=True)
    s.add_argument("--conc", type=int, required=True)
    s.add_argument("--format", required=True, choices=["pgbench", "h2load", "vbench", "wrk"])
    s.add_argument("--log", nargs="*", default=[])
    s.add_argument("--stdout")
    s.add_argument("--warmup", type=float, default=0)
    s.add_argument("--skip-first", type=int, default=0)
    s.add_argument("--expect-bytes", type=int, default=0)
    s.add_argument("--host-volumes", type=int)
    s.add_argument("--group", help="vbench register: only this group's lines")
    s.add_argument("--snaps", nargs="*", help="two snap files, around the measured window")
    s.add_argument("--tool-cpu-us", type=float, help="the tool's own CPU time in the window")
    s.add_argument("--window-ops", type=int, help="operations in the window, when not ops/s x its length")
    s.add_argument("--note")
    s.set_defaults(fn=cmd_record)
    s = sub.add_parser("rss")
    s.add_argument("--out", required=True)
    s.add_argument("--phase", type=int, required=True)
    s.add_argument("--conc", type=int, required=True)
    s.add_argument("--idle", type=int, required=True)
    s.add_argument("--before", type=int, required=True)
    s.add_argument("--after", type=int, required=True)
    s.add_argument("--samples", required=True)
    s.add_argument("--requests", type=int, required=True)
    s.add_argument("--errors", type=int, default=0)
    s.set_defaults(fn=cmd_rss)
    s = sub.add_parser("table")
    s.add_argument("results")
    s.add_argument("settings")
    s.add_argument("--note", action="append")
    s.set_defaults(fn=cmd_table)
    a = p.parse_args()
    a.fn(a)


if __name__ == "__main__":
    main()
