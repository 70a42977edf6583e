#!/usr/bin/env python3
"""Checks JSON-LD documents against schema.org's published context and vocabulary.

Usage: check_jsonld_vocabulary.py CONTEXT VOCABULARY FILE...

CONTEXT is schema.org's JSON-LD context (schemaorgcontext.jsonld) and VOCABULARY its vocabulary
(schemaorg-current-https.jsonld), both from a schema.org release. Each FILE is expanded with
pyld, a JSON-LD processor no one here wrote, whose document loader serves CONTEXT for
https://schema.org/ (there is no network). Then:

- no term is dropped: every key of the document expands to an IRI (a term the context does not
  define silently disappears from the data a partner's processor sees);
- every schema.org type, property, enumeration member and datatype used exists in VOCABULARY;
- every schema.org property is used on a type of its domain (or a subtype), and every value
  that is a typed node or an enumeration member is of a type in its range (or a subtype);
- IRIs outside schema.org are in an allowed vocabulary (ours, DCAT, Dublin Core, FOAF, CSVW,
  XML Schema datatypes).

Exit 0 if every file passes, 1 with the problems on stderr, 3 if pyld is not installed.
"""
import json
import re
import sys

try:
    from pyld import jsonld
except ImportError as error:
    print("python3 cannot import pyld (" + str(error) + "); pip install pyld, or install python3-pyld", file=sys.stderr)
    sys.exit(3)

SCHEMA = "https://schema.org/"
ALLOWED = ("urn:ocop-vn:vocab:", "http://www.w3.org/ns/dcat#", "http://purl.org/dc/terms/",
           "http://xmlns.com/foaf/0.1/", "http://www.w3.org/ns/csvw#", "http://www.w3.org/2001/XMLSchema#")
# Values no vocabulary defines a type for: plain literals in schema.org's datatypes.
LITERAL_TYPES = {"schema:Text", "schema:Number", "schema:Integer", "schema:Float", "schema:Boolean", "schema:Date",
                 "schema:DateTime", "schema:Time", "schema:URL", "schema:DataType"}


def load(path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


context_path, vocabulary_path, files = sys.argv[1], sys.argv[2], sys.argv[3:]
context_document = load(context_path)


def loader(url, options=None):
    if url.rstrip("/") in ("https://schema.org", "http://schema.org", "https://schema.org/docs/jsonldcontext.json"):
        return {"contextUrl": None, "documentUrl": url, "document": context_document}
    raise jsonld.JsonLdError("no network: cannot load " + url, "loading document failed")


graph = load(vocabulary_path)["@graph"]
terms = {node["@id"]: node for node in graph}


def ids(value):
    if value is None:
        return []
    if isinstance(value, list):
        return [item["@id"] for item in value]
    return [value["@id"]]


def superclasses(name):
    seen, stack = set(), [name]
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        node = terms.get(current, {})
        stack += ids(node.get("rdfs:subClassOf"))
    return seen


def curie(iri):
    """schema:Name for a schema.org IRI (http or https), else None."""
    for base in (SCHEMA, "http://schema.org/"):
        if iri.startswith(base):
            return "schema:" + iri[len(base):]
    return None


problems = []


def check_iri(iri, where, kind):
    name = curie(iri)
    if name is not None:
        if name not in terms:
            problems.append(f"{where}: {kind} {name} is not in schema.org's vocabulary")
        return name
    if not iri.startswith(ALLOWED):
        problems.append(f"{where}: {kind} <{iri}> is in no allowed vocabulary")
    return None


def node_types(node):
    types = []
    for iri in node.get("@type", []):
        name = check_iri(iri, "type", "type")
        if name:
            types.append(name)
    return types


def value_types(value):
    """The schema.org classes a value is (for range checks); None when it says nothing."""
    if "@value" in value:
        if "@type" in value:
            name = curie(value["@type"])
            return {name} if name else None
        return None
    if "@type" in value:
        return {curie(iri) for iri in value["@type"] if curie(iri)}
    if "@id" in value and len(value) == 1:
        # A reference: an enumeration member has its enumeration as type.
        name = curie(value["@id"])
        if name is None:
            return None
        member = terms.get(name)
        if member is None:
            return set()
        return set(ids(member["@type"] if isinstance(member["@type"], list) else {"@id": member["@type"]})) - {"rdfs:Class"}
    return None


DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
DATE_TIME = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]+)?)?(Z|[+-][0-9]{2}:[0-9]{2})$")


def check_literal(value, where):
    """A literal typed Date must be a date, DateTime a date and time (a context's coercion types
    every value of a term, right or not)."""
    kind, text = curie(value["@type"]) or value["@type"], value["@value"]
    if kind in ("schema:Date", "http://www.w3.org/2001/XMLSchema#date") and not DATE.match(str(text)):
        problems.append(f"{where}: \"{text}\" is typed as a date but is not YYYY-MM-DD")
    if kind in ("schema:DateTime", "http://www.w3.org/2001/XMLSchema#dateTime") and not DATE_TIME.match(str(text)):
        problems.append(f"{where}: \"{text}\" is typed as a date and time but is not one")


def walk(node, path):
    types = node_types(node)
    closure = set()
    for name in types:
        closure |= superclasses(name)
    for key, values in node.items():
        if key.startswith("@"):
            if key == "@id" and curie(values):
                check_iri(values, path, "value")
            continue
        prop = check_iri(key, path, "property")
        where = f"{path}/{prop or key}"
        definition = terms.get(prop) if prop else None
        if definition is not None and types:
            domain = set(ids(definition.get("schema:domainIncludes")))
            if domain and not (closure & domain):
                problems.append(f"{where}: {prop} is not a property of {', '.join(types)} (its domain: {', '.join(sorted(domain))})")
        for value in values:
            if "@list" in value:
                continue
            if "@value" in value and "@type" in value:
                check_iri(value["@type"], where, "datatype")
                check_literal(value, where)
            if "@id" in value and curie(value["@id"]):
                check_iri(value["@id"], where, "value")
            if definition is not None:
                kinds = value_types(value)
                range_ = set(ids(definition.get("schema:rangeIncludes")))
                if "@value" in value and "@type" not in value and isinstance(value["@value"], str) and range_ \
                        and all("schema:Enumeration" in superclasses(kind) for kind in range_):
                    problems.append(f"{where}: \"{value['@value'][:60]}\" is a string; {prop} takes a member of "
                                    f"{', '.join(sorted(range_))} as {{\"@id\": \"schema:…\"}}")
                if kinds:
                    reach = set()
                    for kind in kinds:
                        reach |= superclasses(kind)
                    if range_ and not (reach & range_):
                        problems.append(f"{where}: a {', '.join(sorted(kinds))} is not in the range of {prop} ({', '.join(sorted(range_))})")
            if "@value" not in value and "@list" not in value and ("@type" in value or len(value) > 1):
                walk(value, where)


def input_keys(value, found):
    """Every key of the document (outside @context) that should expand to a property."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "@context":
                continue
            if not key.startswith("@") and item is not None:
                found.add(key)
            input_keys(item, found)
    elif isinstance(value, list):
        for item in value:
            input_keys(item, found)


for path in files:
    document = load(path)
    before = len(problems)
    try:
        expanded = jsonld.expand(document, {"documentLoader": loader})
    except Exception as error:  # pyld raises its own error types
        problems.append(f"{path}: does not expand: {error}")
        continue
    context = document.get("@context") if isinstance(document, dict) else None
    keys = set()
    input_keys(document, keys)
    for key in sorted(keys):
        probe = jsonld.expand({"@context": context, key: "x"}, {"documentLoader": loader}) if context else []
        if not probe:
            problems.append(f"{path}: the term \"{key}\" is dropped on expansion: no context defines it")
    for index, node in enumerate(expanded):
        walk(node, f"{path}#{index}")
    for line in problems[before:]:
        print(line if line.startswith(path) else f"{path}: {line}", file=sys.stderr)

sys.exit(1 if problems else 0)
