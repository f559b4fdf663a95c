#!/usr/bin/python3
"""report-table.py: the Units table of a lot report written by a Python
library, for bench-reports to compare with `lightline report lot`.

  report-table.py xlsxwriter|openpyxl DB OUT.xlsx

Reads the results store DB with sqlite3 and writes the same table as the
lot report's Units sheet: one row per finished run (its unit, outcome, bin)
and one column per numeric measurement (step, name, lane, unit), in the
order first measured. XlsxWriter runs in constant_memory mode, openpyxl in
write-only mode: both keep one row at a time, as the lot report does.
"""
import datetime
import sqlite3
import sys

FIXED = ["Run", "Serial", "Sequence", "Attempt", "Last run", "Part number", "Firmware", "Lot", "Station", "Site",
         "Fixture", "Operator", "Started (UTC)", "Test time (s)", "Outcome", "Bin", "Bin name", "Worst margin (%)"]

RUNS = ("SELECT r.id, r.serial, r.operation, r.attempt,"
        " row_number() OVER (PARTITION BY r.serial, r.operation ORDER BY r.started_utc DESC, r.id DESC) = 1,"
        " r.part_number, r.firmware, r.lot, r.station_id, r.site, r.fixture, r.operator, r.started_utc,"
        " r.test_time_s, r.outcome, r.bin_number, r.bin_name, r.worst_margin_pct"
        " FROM runs r WHERE r.outcome IS NOT NULL ORDER BY r.started_utc, r.id")
VALUES = ("SELECT step_id, name, lane, unit, corrected_value FROM measurements"
          " WHERE run_id = ? AND value_type = 'number' ORDER BY id")
GROUPS = ("SELECT m.step_id, m.name, m.lane, coalesce(m.unit, '') FROM measurements m JOIN runs r ON r.id = m.run_id"
          " WHERE r.outcome IS NOT NULL AND m.value_type = 'number'"
          " GROUP BY m.step_id, m.name, m.lane, coalesce(m.unit, '') ORDER BY min(m.id)")


def rows(db, columns):
    index = {k: i for i, k in enumerate(columns)}
    for run in db.execute(RUNS).fetchall():
        fixed = list(run)
        fixed[4] = "yes" if fixed[4] else "no"
        fixed[12] = datetime.datetime.strptime(fixed[12], "%Y-%m-%dT%H:%M:%S.%fZ")
        values = [None] * len(columns)
        for step, name, lane, unit, value in db.execute(VALUES, (run[0],)):
            i = index.get((step, name, lane, unit or ""))
            if i is not None:
                values[i] = value
        yield fixed, values


def title(k):
    step, name, lane, unit = k
    return f"{step} {name}" + (f" L{lane}" if lane else "") + (f" [{unit}]" if unit else "")


def with_xlsxwriter(db, columns, out):
    import xlsxwriter
    wb = xlsxwriter.Workbook(out, {"constant_memory": True})
    ws = wb.add_worksheet("Units")
    date = wb.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    ws.write_row(0, 0, FIXED + [title(k) for k in columns])
    for r, (fixed, values) in enumerate(rows(db, columns), start=1):
        for c, v in enumerate(fixed):
            if v is None:
                continue
            if c == 12:
                ws.write_datetime(r, c, v, date)
            elif isinstance(v, str):
                ws.write_string(r, c, v)
            else:
                ws.write_number(r, c, v)
        for c, v in enumerate(values, start=len(FIXED)):
            if v is not None:
                ws.write_number(r, c, v)
    wb.close()


def with_openpyxl(db, columns, out):
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("Units")
    ws.append(FIXED + [title(k) for k in columns])
    for fixed, values in rows(db, columns):
        date = WriteOnlyCell(ws, value=fixed[12])
        date.number_format = "yyyy-mm-dd hh:mm:ss"
        fixed[12] = date
        ws.append(fixed + values)
    wb.save(out)


def main(argv):
    library, path, out = argv[1], argv[2], argv[3]
    db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    columns = [tuple(k) for k in db.execute(GROUPS)]
    {"xlsxwriter": with_xlsxwriter, "openpyxl": with_openpyxl}[library](db, columns, out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
