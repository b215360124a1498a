"""A small JSON Schema (draft 2020-12) validator, Python standard library only.

It knows only the keywords the Open311 schemas in shared/data/open311/schema use, and fails
loudly (SchemaError) on any other keyword, so a schema that grows a keyword this validator
ignores cannot pass silently. Cross-file $refs ("common.schema.json#/$defs/x") resolve
against the registry of loaded schemas by file name or $id; "#/..." within the file.

    reg = Registry.load_dir(".../open311/schema")
    errors = reg.validate(instance, "services.schema.json")   # [] when valid
"""

import json
import math
import os
import re

# What the validator checks, and what it reads and ignores (annotations).
ASSERTIONS = {
    "type", "properties", "required", "items", "minItems", "enum", "const", "pattern",
    "anyOf", "oneOf", "not", "additionalProperties", "patternProperties", "minimum",
    "minLength", "maxLength", "dependentRequired", "$ref",
}
ANNOTATIONS = {"$schema", "$id", "title", "description", "$defs", "$comment"}
KNOWN = ASSERTIONS | ANNOTATIONS


class SchemaError(Exception):
    """The schema uses something this validator does not implement."""


def _type_ok(value, t):
    if t == "object":
        return isinstance(value, dict)
    if t == "array":
        return isinstance(value, list)
    if t == "string":
        return isinstance(value, str)
    if t == "boolean":
        return isinstance(value, bool)
    if t == "null":
        return value is None
    if t == "integer":
        return (isinstance(value, int) and not isinstance(value, bool)) or (
            isinstance(value, float) and value.is_integer())
    if t == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool) and \
            not (isinstance(value, float) and math.isnan(value))
    raise SchemaError("unknown type %r" % t)


def _equal(a, b):
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return a == b


class Registry:
    def __init__(self):
        self.by_name = {}

    @classmethod
    def load_dir(cls, path):
        reg = cls()
        for name in sorted(os.listdir(path)):
            if name.endswith(".schema.json"):
                with open(os.path.join(path, name), encoding="utf-8") as f:
                    doc = json.load(f)
                reg.by_name[name] = doc
                if "$id" in doc:
                    reg.by_name[doc["$id"]] = doc
        if not reg.by_name:
            raise SchemaError("no schemas in %s" % path)
        return reg

    def _resolve(self, ref, base):
        file_part, _, frag = ref.partition("#")
        doc = base
        if file_part:
            doc = self.by_name.get(file_part) or self.by_name.get(os.path.basename(file_part))
            if doc is None:
                raise SchemaError("unresolvable $ref %r" % ref)
        node = doc
        for part in [p for p in frag.split("/") if p]:
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, dict) or part not in node:
                raise SchemaError("unresolvable $ref %r" % ref)
            node = node[part]
        return node, doc

    def validate(self, instance, schema_name):
        doc = self.by_name.get(schema_name)
        if doc is None:
            raise SchemaError("no schema %r" % schema_name)
        errors = []
        self._check(instance, doc, doc, "$", errors)
        return errors

    def _check(self, value, schema, base, path, errors):
        if schema is True:
            return
        if schema is False:
            errors.append("%s: nothing is allowed here" % path)
            return
        if not isinstance(schema, dict):
            raise SchemaError("schema at %s is not an object" % path)
        unknown = set(schema) - KNOWN
        if unknown:
            raise SchemaError("unsupported keyword(s) %s at %s" % (sorted(unknown), path))
        if "$ref" in schema:
            target, tbase = self._resolve(schema["$ref"], base)
            self._check(value, target, tbase, path, errors)
        if "type" in schema:
            types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
            if not any(_type_ok(value, t) for t in types):
                errors.append("%s: %r is not of type %s" % (path, value, "/".join(types)))
                return
        if "enum" in schema and not any(_equal(value, e) for e in schema["enum"]):
            errors.append("%s: %r is not one of %r" % (path, value, schema["enum"]))
        if "const" in schema and not _equal(value, schema["const"]):
            errors.append("%s: %r is not %r" % (path, value, schema["const"]))
        if isinstance(value, str):
            if "pattern" in schema and re.search(schema["pattern"], value) is None:
                errors.append("%s: %r does not match %s" % (path, value, schema["pattern"]))
            if "minLength" in schema and len(value) < schema["minLength"]:
                errors.append("%s: shorter than %d" % (path, schema["minLength"]))
            if "maxLength" in schema and len(value) > schema["maxLength"]:
                errors.append("%s: longer than %d" % (path, schema["maxLength"]))
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if "minimum" in schema and value < schema["minimum"]:
                errors.append("%s: %r is less than %r" % (path, value, schema["minimum"]))
        if isinstance(value, list):
            if "minItems" in schema and len(value) < schema["minItems"]:
                errors.append("%s: fewer than %d items" % (path, schema["minItems"]))
            if "items" in schema:
                for i, item in enumerate(value):
                    self._check(item, schema["items"], base, "%s[%d]" % (path, i), errors)
        if isinstance(value, dict):
            props = schema.get("properties", {})
            pats = schema.get("patternProperties", {})
            for k, v in value.items():
                matched = False
                if k in props:
                    matched = True
                    self._check(v, props[k], base, "%s.%s" % (path, k), errors)
                for pat, sub in pats.items():
                    if re.search(pat, k):
                        matched = True
                        self._check(v, sub, base, "%s.%s" % (path, k), errors)
                if not matched and "additionalProperties" in schema:
                    self._check(v, schema["additionalProperties"], base, "%s.%s" % (path, k),
                                errors)
            for k in schema.get("required", []):
                if k not in value:
                    errors.append("%s: %r is required" % (path, k))
            for k, needs in schema.get("dependentRequired", {}).items():
                if k in value:
                    for n in needs:
                        if n not in value:
                            errors.append("%s: %r needs %r" % (path, k, n))
        for key in ("anyOf", "oneOf"):
            if key in schema:
                passing = 0
                for sub in schema[key]:
                    errs = []
                    self._check(value, sub, base, path, errs)
                    passing += not errs
                if key == "anyOf" and passing == 0:
                    errors.append("%s: matches none of anyOf" % path)
                if key == "oneOf" and passing != 1:
                    errors.append("%s: matches %d of oneOf (exactly one needed)" % (path, passing))
        if "not" in schema:
            errs = []
            self._check(value, schema["not"], base, path, errs)
            if not errs:
                errors.append("%s: matches a schema it must not" % path)
