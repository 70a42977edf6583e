#!/usr/bin/env python3
"""Validates every JSON document of a feed export against its JSON Schema (Protocol/feeds/).

Usage: validate_feed.py SCHEMA_DIR EXPORT_DIR

An independent check of what `ocop export` writes and `ocop-syncd` serves under /feeds: pages
(and every product in them), the DCAT catalogue and the manifest. Exit 0 if all are valid,
1 with the problems on stderr, 3 if jsonschema is not installed.
"""
import json, os, sys
try:
    import jsonschema, referencing
except ImportError as error:
    print("python3 cannot import jsonschema/referencing (" + str(error) + "); install python3-jsonschema", file=sys.stderr)
    sys.exit(3)
schemas, out = sys.argv[1], sys.argv[2]
loaded = {name: json.load(open(os.path.join(schemas, name + ".schema.json"))) for name in ["product", "page", "catalog", "manifest"]}
registry = referencing.Registry().with_resources(
    [(s["$id"], referencing.Resource.from_contents(s)) for s in loaded.values()])
problems, checked = [], 0
for file in sorted(os.listdir(out)):
    kind = "page" if file.startswith("page-") else "catalog" if file == "catalog.jsonld" else "manifest" if file == "manifest.json" else None
    if kind is None:
        continue
    document = json.load(open(os.path.join(out, file), encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(loaded[kind], registry=registry)
    for error in validator.iter_errors(document):
        problems.append(file + ": " + "/".join(map(str, error.absolute_path)) + ": " + error.message)
    if kind == "page":
        products = jsonschema.Draft202012Validator(loaded["product"], registry=registry)
        for element in document["dataFeedElement"]:
            if element["ocop:action"] == "upsert":
                checked += 1
                for error in products.iter_errors(element["item"]):
                    problems.append(file + " product: " + error.message)
    checked += 1
print("checked %d" % checked)
print("\n".join(problems[:20]), file=sys.stderr)
sys.exit(1 if problems else 0)
