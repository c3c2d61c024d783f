from docutils.core import publish_parts
rst = """Title
=====

Some *emphasis* and ``code``.

- a
- b
"""
parts = publish_parts(rst, writer_name="html")
print(parts["title"])
print(parts["fragment"].strip())
