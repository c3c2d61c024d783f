import json
doc = {"users": [{"name": "Ada", "langs": ["py", "c"], "age": 36}, {"name": "Linus", "langs": ["c"], "age": 54}]}
text = json.dumps(doc, indent=2, sort_keys=True)
back = json.loads(text)
print(len(text.splitlines()), "lines")
print({u["name"]: len(u["langs"]) for u in back["users"]})
print(max(back["users"], key=lambda u: u["age"])["name"])
