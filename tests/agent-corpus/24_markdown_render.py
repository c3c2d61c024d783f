import markdown
md = """# Report

* one
* two

| a | b |
|---|---|
| 1 | 2 |
"""
print(markdown.markdown(md, extensions=["tables"]))
