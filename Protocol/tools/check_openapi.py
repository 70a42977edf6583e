#!/usr/bin/env python3
"""Checks the HTTP API's OpenAPI document against the server that serves it.

Usage: check_openapi.py OPENAPI_YAML OBSERVED_JSON

OBSERVED_JSON is written by the test suite (Tests/OCOPHTTPTests/OpenAPITests.swift) after it
ran the real server on 127.0.0.1:

    {"routes":  [{"method": "GET", "path": "/api/v1/products/{id}"}, ...],   # as registered
     "samples": [{"method": "GET", "template": "/api/v1/products/{id}", "status": 200,
                  "content_type": "application/json; charset=utf-8", "body": "..."}, ...]}

Checks, independently of the Swift code:
1. the document is valid OpenAPI 3.1 (openapi-spec-validator);
2. the routes the server registers and the operations the document describes are the same set;
3. every sample's status is documented for its operation, with a media type that matches, and
   every JSON body validates against the documented schema (jsonschema, draft 2020-12);
4. every documented operation was exercised by at least one sample.

Exit 0 if all hold; 1 with the problems on stderr; 3 if a Python module is missing.
"""
import json
import sys

try:
    import jsonschema
    import yaml
    from openapi_spec_validator import validate
except ImportError as error:
    print("python3 cannot import a module (%s); install PyYAML, jsonschema, openapi-spec-validator" % error, file=sys.stderr)
    sys.exit(3)

METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


def resolve(document, node):
    """Follows a local $ref (#/components/...) once."""
    while isinstance(node, dict) and "$ref" in node and len(node) == 1:
        target = document
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def main():
    spec_path, observed_path = sys.argv[1], sys.argv[2]
    with open(spec_path, encoding="utf-8") as handle:
        spec = yaml.safe_load(handle)
    with open(observed_path, encoding="utf-8") as handle:
        observed = json.load(handle)
    problems = []

    try:
        validate(spec)
    except Exception as error:  # the validator raises its own error types
        problems.append("the document is not valid OpenAPI: %s" % error)

    documented = {}
    for path, item in spec.get("paths", {}).items():
        for method in METHODS:
            if method in item:
                documented[(method.upper(), path)] = item[method]
    # The router's catch-all `**` (any further path) is written `{rest}` in the document.
    served = {(route["method"], route["path"].replace("/**", "/{rest}")) for route in observed["routes"]}
    for method, path in sorted(served - set(documented)):
        problems.append("served but not documented: %s %s" % (method, path))
    for method, path in sorted(set(documented) - served):
        problems.append("documented but not served: %s %s" % (method, path))

    exercised = set()
    for sample in observed["samples"]:
        key = (sample["method"], sample["template"].replace("/**", "/{rest}"))
        label = "%s %s -> %s" % (sample["method"], sample.get("path", sample["template"]), sample["status"])
        operation = documented.get(key)
        if operation is None:
            problems.append("%s: no such operation in the document" % label)
            continue
        exercised.add(key)
        responses = operation.get("responses", {})
        response = resolve(spec, responses.get(str(sample["status"])))
        if response is None:
            problems.append("%s: status not documented (documented: %s)" % (label, ", ".join(sorted(responses))))
            continue
        content = response.get("content")
        media_type = (sample.get("content_type") or "").split(";")[0].strip()
        if not content:
            continue
        if media_type not in content:
            problems.append("%s: media type %r not documented (%s)" % (label, media_type, ", ".join(content)))
            continue
        schema = content[media_type].get("schema")
        if schema is None or not media_type.endswith("json"):
            continue
        try:
            body = json.loads(sample["body"])
        except ValueError as error:
            problems.append("%s: body is not JSON: %s" % (label, error))
            continue
        # Validate with the document's components in scope, so local $refs resolve.
        rooted = dict(schema)
        rooted["components"] = spec.get("components", {})
        validator = jsonschema.Draft202012Validator(rooted, format_checker=jsonschema.FormatChecker())
        for error in validator.iter_errors(body):
            where = "/".join(str(part) for part in error.absolute_path) or "(root)"
            problems.append("%s: %s: %s" % (label, where, error.message))

    for method, path in sorted(set(documented) - exercised):
        problems.append("documented operation never exercised by the test: %s %s" % (method, path))

    print("checked %d samples against %d operations" % (len(observed["samples"]), len(documented)))
    if problems:
        print("\n".join(problems[:50]), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
