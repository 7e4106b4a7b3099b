#!/usr/bin/env python3
"""Generates crates/core/data/openapi.json: the OpenAPI v3 schemas (with their field
descriptions) of the kinds the API server serves, which it publishes under
/openapi/v3 for `kubectl explain` (ours and the real one).

Source: the Kubernetes v1.35 JSON schemas of the PyPI package
`kubernetes-validate==1.37.0` (Apache-2.0), file
`kubernetes_validate/kubernetes-json-schema/v1.35.0-local/_definitions.json`.

Usage: gen_explain.py _definitions.json crates/core/src/resources.rs > crates/core/data/openapi.json

The kinds are the `rt("group", "version", "Kind", ...)` rows of resources.rs. Only the
definitions reachable from those kinds are kept, each once, referenced by name with
`$ref: #/components/schemas/NAME` as the real server's OpenAPI v3 does (a property
that refers to a definition and has its own description is written
`{"allOf": [{"$ref": ...}], "description": ...}`, as the server writes it). JSON
Schema's `type: [T, "null"]` becomes `type: T`; `x-kubernetes-*` hints other than
the group-version-kind are dropped (explain does not read them).

Known gap of the source: it has no `enum` lists (only `apiVersion` and `kind` carry
one, which the real server does not publish, so every `enum` is dropped) and no "Possible enum values" text,
which the real server's documents have for enum-typed fields.
"""
import json, re, sys

defs = json.load(open(sys.argv[1]))["$defs"]
rows = re.findall(r'rt\("([^"]*)", "([^"]*)", "([^"]*)"', open(sys.argv[2]).read())
wanted = {(g, v, k) for g, v, k in rows}

def conv(s):
    out = {}
    for k, v in s.items():
        if k == "enum" or (k.startswith("x-kubernetes-") and k != "x-kubernetes-group-version-kind"):
            continue
        if k == "$ref":
            out[k] = "#/components/schemas/" + v.split("/")[-1]
        elif k == "type" and isinstance(v, list):
            t = [x for x in v if x != "null"]
            out[k] = t[0] if len(t) == 1 else t
        elif k == "properties":
            out[k] = {f: prop(p) for f, p in v.items()}
        elif k in ("items", "additionalProperties", "not") and isinstance(v, dict):
            out[k] = conv(v)
        elif k in ("oneOf", "anyOf", "allOf"):
            out[k] = [conv(x) for x in v]
        else:
            out[k] = v
    return out

def prop(p):
    if "$ref" in p and len(p) > 1:
        rest = {k: v for k, v in p.items() if k != "$ref"}
        c = conv(rest)
        c["allOf"] = [{"$ref": "#/components/schemas/" + p["$ref"].split("/")[-1]}]
        return c
    return conv(p)

def refs(s, acc):
    if isinstance(s, dict):
        for k, v in s.items():
            if k == "$ref":
                acc.append(v.split("/")[-1])
            else:
                refs(v, acc)
    elif isinstance(s, list):
        for x in s:
            refs(x, acc)

todo = []
for name, d in defs.items():
    for gvk in d.get("x-kubernetes-group-version-kind", []):
        if (gvk["group"], gvk["version"], gvk["kind"]) in wanted:
            todo.append(name)
out = {}
while todo:
    n = todo.pop()
    if n in out:
        continue
    out[n] = conv(defs[n])
    acc = []
    refs(defs[n], acc)
    todo.extend(acc)

json.dump({"source": "kubernetes-validate 1.37.0, kubernetes-json-schema/v1.35.0-local",
           "schemas": dict(sorted(out.items()))}, sys.stdout, separators=(",", ":"), sort_keys=True)
print()
