#!/usr/bin/env python3
"""Reads a feed export's products.csv as a partner would, with readers no one here wrote.

Usage: check_csv_feed.py EXPORT_DIR

- The file starts with a UTF-8 byte-order mark (spreadsheet programs need it for Vietnamese).
- Python's csv module reads it (utf-8-sig, RFC 4180): the header is the metadata's columns in
  order, every record has that many fields, and every field is UTF-8 text in NFC.
- The `csvw` package (a W3C CSV on the Web processor) reads it through
  products.csv-metadata.json: the metadata is valid and every value has its column's datatype
  (dates, integers within range, patterns, URIs).

Exit 0 if all holds, 1 with the problems on stderr, 3 if csvw is not installed.
"""
import csv
import json
import os
import sys
import unicodedata

try:
    import csvw
except ImportError as error:
    print("python3 cannot import csvw (" + str(error) + "); pip install csvw", file=sys.stderr)
    sys.exit(3)

directory = sys.argv[1]
data_path = os.path.join(directory, "products.csv")
metadata_path = os.path.join(directory, "products.csv-metadata.json")
problems = []

with open(data_path, "rb") as handle:
    if not handle.read(3) == b"\xef\xbb\xbf":
        problems.append("products.csv: does not start with a UTF-8 byte-order mark")
with open(metadata_path, encoding="utf-8") as handle:
    metadata = json.load(handle)
names = [column["name"] for column in metadata["tableSchema"]["columns"]]

with open(data_path, encoding="utf-8-sig", newline="") as handle:
    reader = csv.reader(handle)
    header = next(reader)
    if header != names:
        problems.append(f"products.csv: header {header} is not the metadata's columns {names}")
    for number, record in enumerate(reader, start=2):
        if len(record) != len(names):
            problems.append(f"products.csv:{number}: {len(record)} fields, expected {len(names)}")
        for name, value in zip(names, record):
            if not unicodedata.is_normalized("NFC", value):
                problems.append(f"products.csv:{number}: {name}: not in Unicode NFC")

try:
    table = csvw.CSVW(url=data_path, md_url=metadata_path, validate=True)
    if not table.is_valid:
        problems.append("products.csv-metadata.json: csvw finds the table group invalid")
    for table_ in table.tablegroup.tables:
        for _ in table_.iterdicts(strict=True):
            pass
except Exception as error:  # csvw reports a bad value as ValueError with file, line and column
    problems.append(f"csvw: {error}")

for problem in problems:
    print(problem, file=sys.stderr)
sys.exit(1 if problems else 0)
