import jsonschema
schema = {"type": "object", "required": ["id", "email"], "properties": {"id": {"type": "integer", "minimum": 1},
          "email": {"type": "string", "pattern": "^[^@]+@[^@]+$"}}}
v = jsonschema.Draft7Validator(schema)
for doc in [{"id": 1, "email": "a@b.c"}, {"id": 0, "email": "nope"}, {"email": "x@y"}]:
    errors = sorted(e.message for e in v.iter_errors(doc))
    print("ok" if not errors else errors)
