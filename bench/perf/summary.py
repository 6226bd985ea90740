"""One line per figure from measure.py's result.json files: the A/B ratio (median of pairs,
min-max), both sides, and the load average before and after the invocation."""
import json
import sys


def fmt(s, unit="", digits=2):
    return f"{s['median']:.{digits}f}{unit} ({s['min']:.{digits}f}-{s['max']:.{digits}f})"


for path in sys.argv[1:]:
    r = json.loads(open(path).read())
    s, host = r.get("summary", {}), r.get("host", {})
    load = f"load {host.get('loadavg_start', [0])[0]:.2f} -> {host.get('loadavg_end', [0])[0]:.2f}"
    kind = r.get("command") or path.split("/")[-2]
    if "error" in r:
        print(f"{kind}: ERROR {r['error']} ({load})")
        continue
    if kind == "cpu" and "ratio_A_over_B" in s:
        a, b = s["A"]["pct_core"], s["B"]["pct_core"]
        print(f"cpu: {fmt(s['ratio_A_over_B'], 'x')} | A {fmt(a, ' %')} | B {fmt(b, ' %')} | {load} | {path}")
    elif kind == "memory" and "ratio_pss_mib_A_over_B" in s:
        a, b = s["A"]["pss_mib"], s["B"]["pss_mib"]
        print(f"memory PSS: {fmt(s['ratio_pss_mib_A_over_B'], 'x', 3)} | A {fmt(a, ' MiB', 1)} | B {fmt(b, ' MiB', 1)} | {load} | {path}")
    elif kind == "startup" and "ratio_A_over_B" in s:
        a, b = s["A"]["ready_s"], s["B"]["ready_s"]
        print(f"startup: {fmt(s['ratio_A_over_B'], 'x')} | A {fmt(a, ' s', 3)} | B {fmt(b, ' s', 3)} | {load} | {path}")
    else:
        print(f"{kind}: {json.dumps(s)[:300]} | {load} | {path}")
