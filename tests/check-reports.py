#!/usr/bin/python3
"""check-reports.py: reads Lightline's reports and exports back with
independent readers (openpyxl for workbooks; csv and json for exports) and
compares them with the results store, queried here with Python's sqlite3.
Called by tests/test-reports.c; run by /usr/bin/python3 (Debian's
python3-openpyxl).

  check-reports.py unit DB XLSX RUN_ID
  check-reports.py lot DB XLSX STATS_JSON [SELECTION]
  check-reports.py export DB FILE csv|json [SELECTION]
     SELECTION: --lot L, --sequence ID, --sn SN, --run ID, --from T, --to T
     (T as the store writes times)
  check-reports.py literal XLSX TEXT...   each TEXT appears as a text cell; no formula anywhere

Exits 0 when everything matches; otherwise prints what differs and exits 1.
"""
import csv
import hashlib
import json
import math
import re
import sqlite3
import sys
import zipfile

import openpyxl

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
    return cond


def close(a, b, rel=1e-9, abs_tol=1e-12):
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_tol)


def db_connect(path):
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    return db


ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def excel_text(v):
    """A cell's text as Excel shows it: OOXML writes a character as _xHHHH_
    in text (ECMA-376 Part 1, 22.9.2.19), which openpyxl does not decode."""
    return ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), v) if isinstance(v, str) else v


def rows_of(ws):
    return [[excel_text(v) for v in r] for r in ws.iter_rows(values_only=True)]


def find_row(rows, first):
    for i, r in enumerate(rows):
        if r and r[0] == first:
            return i
    return None


def label_value(rows, label):
    i = find_row(rows, label)
    return rows[i][1] if i is not None else "<missing>"


def iso(t):
    """A store time to a datetime to the millisecond (Excel's precision)."""
    import datetime
    d = datetime.datetime.strptime(t, "%Y-%m-%dT%H:%M:%S.%fZ")
    return d


def same_time(cell, store_text):
    if store_text is None:
        return cell in (None, "-")
    d = iso(store_text)
    return cell is not None and hasattr(cell, "year") and abs((cell - d).total_seconds()) < 0.002


def fill_of(cell):
    c = cell.fill.fgColor
    return (c.rgb or "") if cell.fill and cell.fill.fill_type == "solid" else ""


def expect_protected(wb):
    for ws in wb.worksheets:
        check(ws.protection.sheet, f"{ws.title}: not protected")
        check(not ws.protection.password, f"{ws.title}: protected with a password")


def bin_text(number, name):
    if number is not None and name is not None:
        return f"{number} {name}"
    return name if name is not None else (str(number) if number is not None else None)


# ---- unit report ----

def check_unit(db, path, run_id):
    run = db.execute("SELECT * FROM runs WHERE id = ?", (run_id,)).fetchone()
    check(run is not None, f"no run {run_id} in the store")
    wb = openpyxl.load_workbook(path)
    check(wb.sheetnames == ["Summary", "Measurements", "Steps", "Traceability", "Module"],
          f"sheets {wb.sheetnames}")
    check(run["serial"] in (wb.properties.title or ""), f"title {wb.properties.title}")
    check(wb.properties.creator == run["station_id"], f"author {wb.properties.creator}")
    expect_protected(wb)

    s = rows_of(wb["Summary"])
    check(label_value(s, "Verdict") == run["outcome"], f"verdict {label_value(s, 'Verdict')} != {run['outcome']}")
    verdict_cell = wb["Summary"].cell(row=find_row(s, "Verdict") + 1, column=2)
    check(verdict_cell.font.sz and verdict_cell.font.sz >= 20, "verdict not in large type")
    expected_fill = {"PASS": "FFC6EFCE", "FAIL": "FFFFC7CE"}.get(run["outcome"], "FFFFEB9C")
    check(fill_of(verdict_cell) == expected_fill, f"verdict fill {fill_of(verdict_cell)}")
    check(label_value(s, "Bin") == (bin_text(run["bin_number"], run["bin_name"]) or "no bin"),
          f"bin {label_value(s, 'Bin')}")
    for label, column in [("Serial number", "serial"), ("Part number", "part_number"), ("Vendor", "vendor"),
                          ("Firmware", "firmware"), ("Lot", "lot"), ("Station", "station_id"),
                          ("Operator", "operator"), ("Fixture", "fixture")]:
        want = run[column] if run[column] is not None else "-"
        check(label_value(s, label) == want, f"Summary {label}: {label_value(s, label)!r} != {want!r}")
    check(label_value(s, "Site") == run["site"], "Summary site")
    check(same_time(label_value(s, "Started (UTC)"), run["started_utc"]), "Summary started")
    check(same_time(label_value(s, "Finished (UTC)"), run["finished_utc"]), "Summary finished")
    check(close(label_value(s, "Test duration (s)"), run["test_time_s"]), "Summary duration")
    check(label_value(s, "Run") == run_id, "Summary run id")

    # the failures, with their limits, on the Summary
    fails = db.execute("SELECT * FROM measurements WHERE run_id = ? AND verdict IN ('fail', 'error') ORDER BY id",
                       (run_id,)).fetchall()
    top = find_row(s, "Failures")
    check(top is not None, "no Failures section")
    listed = s[top + 2: top + 2 + len(fails)]
    for m, r in zip(fails, listed):
        check(r[0] == m["step_id"] and r[1] == m["name"] and r[2] == m["lane"], f"failure row {r}")
        if m["value_type"] == "number":
            check(close(r[3], m["corrected_value"]), f"failure value {r[3]}")
        check(close(r[5], m["limit_low"]) and close(r[6], m["limit_high"]), f"failure limits {r}")
        check(r[8] == m["verdict"], f"failure verdict {r[8]}")
    if run["outcome"] == "FAIL":
        check(len(fails) > 0, "a FAIL run without a failed measurement in the store")
    if not fails:
        check(s[top + 2][0] == "none", "no failures but none is not said")

    # Measurements: every one, in order, with limits and verdicts
    ws = wb["Measurements"]
    m_rows = rows_of(ws)
    check(m_rows[0][:15] == ["Step #", "Step", "Group", "Measurement", "Lane", "Attempt", "Value", "Unit",
                             "Low limit", "High limit", "Limit unit", "Limit", "Margin", "Margin (%)", "Verdict"],
          f"Measurements header {m_rows[0]}")
    check(ws.freeze_panes == "A2", f"Measurements frozen at {ws.freeze_panes}")
    meas = db.execute("SELECT s.position, s.step_group, m.* FROM measurements m JOIN step_results s"
                      " ON s.id = m.step_result_id WHERE m.run_id = ? ORDER BY s.position, m.id",
                      (run_id,)).fetchall()
    check(len(m_rows) - 1 == len(meas), f"{len(m_rows) - 1} measurement rows, {len(meas)} in the store")
    check(ws.auto_filter.ref == f"A1:R{len(meas) + 1}", f"autofilter {ws.auto_filter.ref}")
    seen_formats = {}
    for i, (m, r) in enumerate(zip(meas, m_rows[1:]), start=2):
        where = f"Measurements row {i}"
        check(r[0] == m["position"] + 1 and r[1] == m["step_id"] and r[2] == m["step_group"], f"{where}: step")
        check(r[3] == m["name"] and r[4] == m["lane"] and r[5] == m["attempt"], f"{where}: name/lane")
        if m["value_type"] == "number":
            check(close(r[6], m["corrected_value"]), f"{where}: value {r[6]} != {m['corrected_value']}")
            check(close(r[15], m["raw_value"]), f"{where}: raw value {r[15]} != {m['raw_value']}")
            check(r[17] == m["path_loss_id"], f"{where}: path-loss entry {r[17]} != {m['path_loss_id']}")
            seen_formats.setdefault(m["unit"], ws.cell(row=i, column=7).number_format)
        else:
            check(r[6] == m["text_value"], f"{where}: text {r[6]!r} != {m['text_value']!r}")
        check(r[7] == m["unit"], f"{where}: unit")
        check(close(r[8], m["limit_low"]) and close(r[9], m["limit_high"]), f"{where}: limits")
        check(close(r[12], m["margin"]), f"{where}: margin")
        check(r[14] == m["verdict"], f"{where}: verdict")
        fill = fill_of(ws.cell(row=i, column=4))
        if m["verdict"] == "fail":
            check(fill == "FFFFC7CE", f"{where}: a failure not highlighted ({fill})")
        elif m["verdict"] in ("pass", "info"):
            check(fill == "", f"{where}: highlighted though {m['verdict']}")
    for unit, want in [("dBm", "0.00"), ("dB", "0.00"), ("ratio", "0.00E+00"), ("W", "0.000")]:
        if unit in seen_formats:
            check(seen_formats[unit] == want, f"number format of {unit}: {seen_formats[unit]}")
    if run["operation"].startswith("final-"):
        check("dBm" in seen_formats and "ratio" in seen_formats, "no dBm or BER values to check formats with")

    # Steps
    steps = db.execute("SELECT * FROM step_results WHERE run_id = ? ORDER BY position, id", (run_id,)).fetchall()
    st = rows_of(wb["Steps"])
    check(len(st) - 1 == len(steps), "Steps rows")
    for m, r in zip(steps, st[1:]):
        check(r[1] == m["step_id"] and r[5] == m["verdict"] and r[11] == m["message"], f"Steps row {r}")

    # Traceability
    t = rows_of(wb["Traceability"])
    check(label_value(t, "Tested with") == run["software_version"], "software version")
    check(label_value(t, "Source revision") == run["source_revision"], "source revision")
    station_doc = db.execute("SELECT sha256 FROM run_documents WHERE run_id = ? AND kind = 'station'",
                             (run_id,)).fetchone()
    check(label_value(t, "Station file SHA-256") == station_doc["sha256"], "station file hash")
    flat = [tuple(r) for r in t]
    for d in db.execute("SELECT d.*, b.size FROM run_documents d JOIN blobs b ON b.sha256 = d.sha256"
                        " WHERE run_id = ?", (run_id,)):
        row = [r for r in flat if r[4] == d["sha256"] and r[0] == d["kind"]]
        check(len(row) == 1, f"document {d['kind']} {d['name']} not listed once")
        if row:
            check(row[0][1] == d["name"] and row[0][2] == d["version"] and row[0][5] == d["size"],
                  f"document row {row[0]}")
    insts = db.execute("SELECT * FROM run_instruments WHERE run_id = ?", (run_id,)).fetchall()
    check(len(insts) > 0, "no instruments in the store")
    for inst in insts:
        row = [r for r in flat if r[0] == inst["name"] and r[1] == inst["class"]]
        check(len(row) == 1, f"instrument {inst['name']} not listed once")
        if row:
            r = row[0]
            check((r[3], r[4], r[5], r[6], r[7], r[8]) == (inst["maker"], inst["model"], inst["serial"],
                                                            inst["firmware"], inst["cal_due"], inst["cal_cert"]),
                  f"instrument row {r}")
    # the path-loss calibration: the run's set and every entry a value was corrected with
    loss = db.execute("SELECT p.set_id, p.path, p.lane, p.wavelength_nm, p.loss_db FROM path_loss p"
                      " WHERE p.set_id = (SELECT path_loss_set_id FROM runs WHERE id = ?1) OR p.id IN"
                      " (SELECT path_loss_id FROM measurements WHERE run_id = ?1)"
                      " ORDER BY p.set_id, p.path, p.lane, p.wavelength_nm", (run_id,)).fetchall()
    top = find_row(t, "Path-loss calibration")
    if check(top is not None, "no path-loss section"):
        listed = []
        for r in t[top + 2:]:
            if r[0] is None:
                break
            listed.append(r)
        if loss:
            check(len(listed) == len(loss), f"{len(listed)} path-loss entries listed, {len(loss)} in the store")
            for r, x in zip(listed, loss):
                check((r[0], r[7], r[8]) == (x[0], x[1], x[2]) and close(r[9], x[3]) and close(r[10], x[4]),
                      f"path-loss entry {r} != {tuple(x)}")
        else:
            check(len(listed) == 1 and listed[0][0].startswith("none recorded"), f"path loss: {listed}")

    # Module
    mo = rows_of(wb["Module"])
    for label, column in [("Vendor", "vendor"), ("Part number", "part_number"), ("Serial number", "module_serial"),
                          ("Firmware", "firmware"), ("Hardware revision", "hardware_revision")]:
        want = run[column] if run[column] is not None else "-"
        check(label_value(mo, label) == want, f"Module {label}: {label_value(mo, label)!r}")
    values = db.execute("SELECT m.*, s.action FROM measurements m JOIN step_results s ON s.id = m.step_result_id"
                        " WHERE m.run_id = ? AND (s.action LIKE 'module.%' OR s.action LIKE 'ddm.%'"
                        " OR s.action = 'evb.supply') ORDER BY s.position, m.id", (run_id,)).fetchall()
    top = next((i for i, r in enumerate(mo) if isinstance(r[0], str) and r[0].startswith("Values read")), None)
    if check(top is not None, "Module: no values read from the module"):
        listed = mo[top + 2: top + 2 + len(values)]
        check(len(values) > 0 or mo[top + 2][0] == "none recorded", "Module: values")
        for m, r in zip(values, listed):
            value_ok = close(r[3], m["corrected_value"]) if m["value_type"] == "number" else r[3] == m["text_value"]
            check((r[0], r[1], r[2], r[5], r[6]) == (m["step_id"], m["name"], m["lane"], m["verdict"], m["action"])
                  and value_ok, f"Module row {r}")
    # the module's memory: every byte of every image the run's steps kept, in hex and as ASCII
    raw = find_row(mo, "Raw CMIS pages")
    if check(raw is not None, "Module: no raw CMIS pages section"):
        images = db.execute("SELECT s.step_id, a.size, a.sha256, a.content FROM step_attachments a"
                            " JOIN step_results s ON s.id = a.step_result_id WHERE s.run_id = ?"
                            " AND a.media_type = 'application/x-cmis-dump' ORDER BY s.position, a.position",
                            (run_id,)).fetchall()
        at = raw + 1
        if not images:
            check((mo[at][0] or "").startswith("none recorded"), f"Module: no image, yet {mo[at][0]!r}")
        for img in images:
            content = bytes(img["content"])
            check(len(content) == img["size"] and hashlib.sha256(content).hexdigest() == img["sha256"],
                  "Module: stored image does not match its size and SHA-256")
            head = mo[at][0] or ""
            check(img["step_id"] in head and img["sha256"] in head and f"{img['size']} bytes" in head,
                  f"Module: image heading {head!r}")
            at += 2  # heading, column titles
            shown = bytearray()
            ascii_ok = True
            for off in range(0, len(content), 16):
                r = mo[at]
                chunk = bytes.fromhex(r[1].replace(" ", ""))
                shown += chunk
                ascii_ok &= r[4] == "".join(chr(b) if 0x20 <= b < 0x7F else "." for b in chunk)
                at += 1
            check(bytes(shown) == content, "Module: hex rows differ from the stored image")
            check(ascii_ok, "Module: ASCII column differs from the bytes")
            at += 1


# ---- lot report ----

SELECTION = {"--lot": "lot = ?", "--sequence": "operation = ?", "--sn": "serial = ?", "--run": "id = ?",
             "--from": "started_utc >= ?", "--to": "started_utc < ?"}


def selection(args):
    """The selection options given (--lot, --from...) as {option: value}, and
    --with-reference as {"--with-reference": True}. Times are given here as
    the store writes them (2026-03-01T08:15:02.123456Z)."""
    sel = {k: args[args.index(k) + 1] for k in SELECTION if k in args}
    if "--with-reference" in args:
        sel["--with-reference"] = True
    return sel


def where(sel, alias, named_units=False):
    """The finished runs @sel selects, as SQL on runs aliased @alias. Runs on
    golden modules only with --with-reference or --sequence (or, when
    @named_units, --sn or --run: an export of a named unit or run)."""
    sql = f" {alias}.outcome IS NOT NULL"
    args = []
    for k, v in sel.items():
        if k in SELECTION:
            sql += f" AND {alias}.{SELECTION[k]}"
            args.append(int(v) if k == "--run" else v)
    named = ("--with-reference", "--sequence") + (("--sn", "--run") if named_units else ())
    if not any(k in sel for k in named):
        sql += f" AND {alias}.purpose = 'unit'"
    return sql, args


def selected_runs(db, sel):
    sql, args = where(sel, "r")
    return db.execute("SELECT * FROM runs r WHERE" + sql + " ORDER BY started_utc, id", args).fetchall()


def yields(runs, key):
    groups = {}
    for r in runs:
        groups.setdefault(key(r), []).append(r)
    out = {}
    for k, rs in groups.items():
        scope = k[2:]
        y = out.setdefault(scope, [0, 0, 0, 0, 0, 0])
        y[0] += 1
        y[1] += rs[-1]["outcome"] == "PASS"
        y[2] += rs[0]["outcome"] == "PASS"
        y[3] += len(rs)
        y[4] += len(rs) - 1
        y[5] += len(rs) > 1
    return out


KEY_PARAMETERS = ["tx_power_avg", "oma_outer", "tdecq", "extinction_ratio", "sensitivity", "module_power"]


def check_lot(db, path, stats_json, sel):
    runs = selected_runs(db, sel)
    check(len(runs) > 0, "no runs selected")
    wb = openpyxl.load_workbook(path)
    check(wb.sheetnames == ["Summary", "Bins", "Statistics", "Histograms", "Units"], f"sheets {wb.sheetnames}")
    stations = sorted({r["station_id"] for r in runs})
    check(wb.properties.creator == ", ".join(stations), f"author {wb.properties.creator}")
    check(wb.properties.created is not None, "no creation time")
    check("Lightline lot report" in (wb.properties.title or ""), f"title {wb.properties.title}")
    expect_protected(wb)

    # yields overall, by station, by site
    s = rows_of(wb["Summary"])
    table = [r for r in s if r and r[0] in ("Overall", "Station", "Site")]
    want = {("Overall", "all", "all"): v for v in yields(runs, lambda r: (r["serial"], r["operation"])).values()}
    for k, v in yields(runs, lambda r: (r["serial"], r["operation"], r["station_id"])).items():
        want[("Station", k[0], "all")] = v
    for k, v in yields(runs, lambda r: (r["serial"], r["operation"], r["station_id"], r["site"])).items():
        want[("Site", k[0], k[1])] = v
    got = {(r[0], r[1], r[2]): [r[3], r[4], r[6], r[8], r[9], r[10]] for r in table}
    check(got == want, f"yields {got} != {want}")
    for r in table:
        check(close(r[5], r[4] / r[3]) and close(r[7], r[6] / r[3]), f"yield ratios {r}")
    overall = want[("Overall", "all", "all")]
    check(close(label_value(s, "Yield"), overall[1] / overall[0]), "headline yield")
    check(close(label_value(s, "First-pass yield"), overall[2] / overall[0]), "headline first-pass yield")
    stats = json.load(open(stats_json))
    check((stats["units"], stats["units_passed"], stats["units_first_pass"], stats["runs"]) ==
          (overall[0], overall[1], overall[2], len(runs)), "yields differ from lightline stats")

    # bins and the Pareto
    b = rows_of(wb["Bins"])
    counts = {}
    for r in runs:
        k = (r["outcome"], r["bin_number"], r["bin_name"])
        counts[k] = counts.get(k, 0) + 1
    top = find_row(b, "Bin")
    got_bins = {}
    i = top + 1
    while i < len(b) and b[i][0] is not None:
        got_bins[(b[i][1], b[i][2], b[i][0])] = b[i][3]
        i += 1
    want_bins = {(o, n, bin_text(n, name) or o): c for (o, n, name), c in counts.items()}
    check(got_bins == want_bins, f"bins {got_bins} != {want_bins}")
    p = find_row(b, "Pareto of the runs that did not pass")
    not_passed = sorted((c for (o, _, _), c in counts.items() if o != "PASS"), reverse=True)
    pareto = [r for r in b[p + 2: p + 2 + len(not_passed)]]
    check([r[2] for r in pareto] == not_passed, f"Pareto {pareto}")
    if not_passed:
        check(close(pareto[-1][4], 1.0), "Pareto does not add up to 100 %")
        check(len(wb["Bins"]._charts) == 1, "no Pareto chart")

    # statistics against values recomputed here, and against lightline stats
    values = {}
    order = []
    for r in runs:
        for m in db.execute("SELECT * FROM measurements WHERE run_id = ? AND value_type = 'number' ORDER BY id",
                            (r["id"],)):
            k = (m["step_id"], m["name"], m["lane"], m["unit"] or "")
            if k not in values:
                values[k] = {"v": [], "limits": set(), "fails": 0}
                order.append(k)
            g = values[k]
            if m["corrected_value"] is not None:
                g["v"].append(m["corrected_value"])
            check(m["limit_unit"] in (None, m["unit"]), "a limit in another unit: not checked here")
            g["limits"].add((m["limit_low"], m["limit_high"]) if m["limit_name"] is not None else (None, None))
            g["fails"] += m["verdict"] == "fail"
    st = rows_of(wb["Statistics"])
    check(st[0] == ["Step", "Measurement", "Lane", "Unit", "n", "Mean", "Std dev", "Min", "Max", "Low limit",
                    "High limit", "Sigma within", "Cpk", "Ppk", "Fails"], f"Statistics header {st[0]}")
    check(len(st) - 1 == len(order), f"{len(st) - 1} statistics rows, {len(order)} measurements")
    by_key = {(m["step"], m["name"], m["lane"], m["unit"]): m for m in stats["measurements"]}

    def index(mean, sd, lo, hi):
        if sd is None or not sd > 0 or (lo is None and hi is None):
            return None
        return min((hi - mean) / (3 * sd) if hi is not None else math.inf,
                   (mean - lo) / (3 * sd) if lo is not None else math.inf)

    for k, r in zip(order, st[1:]):
        g = values[k]
        v = g["v"]
        n = len(v)
        mean = math.fsum(v) / n
        sd = math.sqrt(math.fsum((x - mean) ** 2 for x in v) / (n - 1)) if n > 1 else None
        lo, hi = g["limits"].pop() if len(g["limits"]) == 1 else (None, None)
        sigma_w = math.fsum(abs(b - a) for a, b in zip(v, v[1:])) / (n - 1) / 1.128 if n > 1 else None
        where = f"Statistics {k}"
        check((r[0], r[1], r[2], r[3] or "") == k, f"{where}: row {r[:4]}")
        check(r[4] == n, f"{where}: n")
        check(close(r[5], mean) and close(r[7], min(v)) and close(r[8], max(v)), f"{where}: mean/min/max")
        check(close(r[6], sd, 1e-7), f"{where}: sd {r[6]} != {sd}")
        check(close(r[9], lo) and close(r[10], hi), f"{where}: limits {r[9]}, {r[10]} != {lo}, {hi}")
        check(close(r[11], sigma_w, 1e-7), f"{where}: sigma within")
        check(close(r[12], index(mean, sigma_w, lo, hi), 1e-6, 1e-9), f"{where}: Cpk {r[12]}")
        check(close(r[13], index(mean, sd, lo, hi), 1e-6, 1e-9), f"{where}: Ppk {r[13]}")
        check(r[14] == g["fails"], f"{where}: fails")
        ref = by_key.get(k)
        if check(ref is not None, f"{where}: not in lightline stats"):
            check(ref["n"] == n and close(ref["mean"], r[5]) and close(ref["stddev"], r[6], 1e-7),
                  f"{where}: differs from lightline stats")
            check(close(ref["ppk"], r[13], 1e-6, 1e-9), f"{where}: Ppk {r[13]} != lightline stats' {ref['ppk']}")
            check(close(ref["cpk"], r[12], 1e-6, 1e-9), f"{where}: Cpk {r[12]} != lightline stats' {ref['cpk']}")
            check(close(ref["sigma_within"], r[11], 1e-7), f"{where}: sigma within differs from lightline stats")

    # histograms of the key parameters measured
    h = wb["Histograms"]
    measured = [p for p in KEY_PARAMETERS if any(k[1] == p for k in order)]
    check(len(measured) >= 5, f"key parameters measured: {measured}")
    check(len(h._charts) == len(measured), f"{len(h._charts)} histogram charts for {measured}")
    hr = rows_of(h)
    for p in measured:
        i = next((j for j, r in enumerate(hr) if isinstance(r[0], str) and f": {p}" in r[0]), None)
        if not check(i is not None, f"no histogram of {p}"):
            continue
        total = 0
        j = i + 2
        while j < len(hr) and isinstance(hr[j][3], (int, float)):
            total += hr[j][3]
            j += 1
        n = sum(len(values[k]["v"]) for k in order if k[1] == p)
        check(total == n, f"histogram of {p}: {total} counted, {n} values")

    # units: every run, with its outcome, bin and values
    u = rows_of(wb["Units"])
    fixed = ["Run", "Serial", "Sequence", "Attempt", "Last run", "Part number", "Firmware", "Lot", "Station",
             "Site", "Fixture", "Operator", "Started (UTC)", "Test time (s)", "Outcome", "Bin", "Bin name",
             "Worst margin (%)"]
    titles = [f"{s} {n}" + (f" L{lane}" if lane else "") + (f" [{unit}]" if unit else "")
              for (s, n, lane, unit) in order]
    check(u[0] == fixed + titles, "Units header")
    check(len(u) - 1 == len(runs), f"{len(u) - 1} unit rows, {len(runs)} runs")
    last = {}
    for r in runs:
        last[(r["serial"], r["operation"])] = r["id"]
    for r, row in zip(runs, u[1:]):
        where = f"Units run {r['id']}"
        check(row[0] == r["id"] and row[1] == r["serial"] and row[14] == r["outcome"], f"{where}: {row[:15]}")
        check(row[4] == ("yes" if last[(r["serial"], r["operation"])] == r["id"] else "no"), f"{where}: last")
        check(row[15] == r["bin_number"] and row[16] == r["bin_name"], f"{where}: bin")
        check(row[11] == r["operator"] and row[7] == r["lot"], f"{where}: operator/lot")
        vals = {}
        for m in db.execute("SELECT * FROM measurements WHERE run_id = ? AND value_type = 'number' ORDER BY id",
                            (r["id"],)):
            vals[(m["step_id"], m["name"], m["lane"], m["unit"] or "")] = m["corrected_value"]
        for k, cell in zip(order, row[len(fixed):]):
            check(close(cell, vals.get(k)), f"{where}: {k} {cell} != {vals.get(k)}")


# ---- exports ----

EXPORT_COLUMNS = [
    ("run_id", "r.id"), ("serial", "r.serial"), ("sequence", "r.operation"),
    ("sequence_version", "r.sequence_version"), ("run_attempt", "r.attempt"), ("part_number", "r.part_number"),
    ("vendor", "r.vendor"), ("firmware", "r.firmware"), ("hardware_revision", "r.hardware_revision"),
    ("lot", "r.lot"), ("operator", "r.operator"), ("station", "r.station_id"), ("line", "r.line"),
    ("site", "r.site"), ("fixture", "r.fixture"), ("corner", "r.corner"), ("run_started_utc", "r.started_utc"),
    ("run_outcome", "r.outcome"), ("bin_number", "r.bin_number"), ("bin_name", "r.bin_name"),
    ("measurement_id", "m.id"), ("step", "m.step_id"), ("lane", "m.lane"), ("name", "m.name"),
    ("attempt", "m.attempt"), ("value_type", "m.value_type"), ("value", "m.corrected_value"),
    ("raw_value", "m.raw_value"), ("text_value", "m.text_value"), ("unit", "m.unit"),
    ("limit_name", "m.limit_name"), ("limit_kind", "m.limit_kind"), ("limit_low", "m.limit_low"),
    ("limit_high", "m.limit_high"), ("limit_unit", "m.limit_unit"), ("limit_text", "m.limit_text"),
    ("margin", "m.margin"), ("margin_pct", "m.margin_pct"), ("verdict", "m.verdict"), ("time_s", "m.time_s"),
    ("path_loss_id", "m.path_loss_id"),
]


def check_export(db, path, fmt, sel):
    names = [c for c, _ in EXPORT_COLUMNS]
    cond, args = where(sel, "r", named_units=True)
    sql = "SELECT " + ", ".join(e for _, e in EXPORT_COLUMNS) + " FROM runs r JOIN measurements m" \
          " ON m.run_id = r.id WHERE" + cond
    want = db.execute(sql + " ORDER BY r.started_utc, r.id, m.id", args).fetchall()
    check(len(want) > 0, "nothing to export in the store")
    if fmt == "csv":
        with open(path, newline="") as f:
            data = f.read()
        check(data.endswith("\r\n") and "\n" not in data.replace("\r\n", ""), "CSV lines do not end CRLF")
        rows = list(csv.reader(data.splitlines(keepends=True)))
        check(rows[0] == names, f"CSV header {rows[0]}")
        body = rows[1:]
        check(len(body) == len(want), f"{len(body)} CSV rows, {len(want)} in the store")
        for got, w in zip(body, want):
            for name, g, v in zip(names, got, w):
                if v is None:
                    ok = g == ""
                elif isinstance(v, (int, float)):
                    ok = g != "" and float(g) == float(v) and (not isinstance(v, int) or g == str(v))
                else:
                    ok = g == v
                if not check(ok, f"CSV measurement {w[20]} {name}: {g!r} != {v!r}"):
                    return
    else:
        doc = json.load(open(path))
        check(doc.get("format") == "lightline-measurements" and doc.get("version") == 1, "JSON format/version")
        check(doc.get("columns") == names, "JSON columns")
        body = doc.get("measurements", [])
        check(len(body) == len(want), f"{len(body)} JSON rows, {len(want)} in the store")
        for got, w in zip(body, want):
            check(list(got.keys()) == names, "JSON row keys")
            for name, v in zip(names, w):
                g = got.get(name)
                ok = (g == v and type(g) is type(v)) if not isinstance(v, float) else (
                    isinstance(g, (int, float)) and float(g) == v)
                if not check(ok, f"JSON {name}: {g!r} != {v!r}"):
                    return


# ---- text from people and modules ----

def check_literal(path, texts):
    wb = openpyxl.load_workbook(path)
    found = {t: 0 for t in texts}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                check(c.data_type != "f", f"{ws.title}!{c.coordinate}: a formula {c.value!r}")
                if excel_text(c.value) in found:
                    check(c.data_type == "s", f"{ws.title}!{c.coordinate}: {c.value!r} not text")
                    found[excel_text(c.value)] += 1
    for t, n in found.items():
        check(n > 0, f"{t!r} does not appear as text")
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                check(b"<f>" not in z.read(name) and b"<f " not in z.read(name), f"{name}: a formula element")


def main(argv):
    mode = argv[1]
    if mode == "unit":
        check_unit(db_connect(argv[2]), argv[3], int(argv[4]))
    elif mode == "lot":
        check_lot(db_connect(argv[2]), argv[3], argv[4], selection(argv[5:]))
    elif mode == "export":
        check_export(db_connect(argv[2]), argv[3], argv[4], selection(argv[5:]))
    elif mode == "literal":
        check_literal(argv[2], argv[3:])
    else:
        print(f"unknown mode {mode}", file=sys.stderr)
        return 2
    for f in failures[:40]:
        print(f"check-reports: {f}", file=sys.stderr)
    if len(failures) > 40:
        print(f"check-reports: ... and {len(failures) - 40} more", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
