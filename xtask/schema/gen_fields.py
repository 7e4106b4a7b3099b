#!/usr/bin/env python3
"""Generates crates/core/data/fields.txt: the Go field table the API server's
strict decoding checks bodies against.

Source: the Kubernetes v1.35 JSON schemas of the PyPI package
`kubernetes-validate==1.37.0` (Apache-2.0), directory
`kubernetes_validate/kubernetes-json-schema/v1.35.0-local-strict/_definitions.json`.

Usage: gen_fields.py _definitions.json KIND... > crates/core/data/fields.txt

Format: `@group/version/Kind Definition` lines name the roots; `=Definition` starts a
struct, followed by `field type` lines. Types: string, bool, int32, int64, float64,
bytes, quantity, intstr, time, any, a definition name, `[]T`, `map[T]`.
"""
import json, sys

defs = json.load(open(sys.argv[1]))["$defs"]
kinds = set(sys.argv[2:])

SPECIAL = {
    "io.k8s.apimachinery.pkg.api.resource.Quantity": "quantity",
    "io.k8s.apimachinery.pkg.util.intstr.IntOrString": "intstr",
    "io.k8s.apimachinery.pkg.apis.meta.v1.Time": "time",
    "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime": "time",
    "io.k8s.apimachinery.pkg.runtime.RawExtension": "any",
    "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON": "any",
    "io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1": "any",
}

def ty(p, todo):
    if "$ref" in p:
        name = p["$ref"].split("/")[-1]
        if name in SPECIAL:
            return SPECIAL[name]
        d = defs[name]
        if "properties" not in d:
            t = d.get("type")
            if isinstance(t, list):
                t = t[0]
            if t == "string":
                return "string"
            return "any"
        todo.append(name)
        return name
    t = p.get("type")
    if isinstance(t, list):
        t = t[0]
    if t == "string":
        return "bytes" if p.get("format") == "byte" else "string"
    if t == "boolean":
        return "bool"
    if t == "integer":
        return "int32" if p.get("format") == "int32" else "int64"
    if t == "number":
        return "float64"
    if t == "array":
        return "[]" + ty(p.get("items", {}), todo)
    if t == "object":
        if "additionalProperties" in p and isinstance(p["additionalProperties"], dict):
            return "map[" + ty(p["additionalProperties"], todo) + "]"
        return "any"
    return "any"

roots = []
for name, d in sorted(defs.items()):
    for gvk in d.get("x-kubernetes-group-version-kind", []):
        key = (gvk["group"] + "/" if gvk["group"] else "") + gvk["version"] + "/" + gvk["kind"]
        if gvk["kind"] in kinds and "properties" in d and "metadata" in d["properties"]:
            roots.append((key, name))

todo = [n for _, n in roots]
done = {}
while todo:
    n = todo.pop()
    if n in done:
        continue
    fields = []
    for f, p in sorted(defs[n]["properties"].items()):
        fields.append((f, ty(p, todo)))
    done[n] = fields

for key, name in roots:
    print(f"@{key} {name}")
for n in sorted(done):
    print(f"={n}")
    for f, t in done[n]:
        print(f"{f} {t}")
