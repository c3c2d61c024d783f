from jinja2 import Environment
env = Environment(trim_blocks=True, lstrip_blocks=True)
t = env.from_string("""Invoice {{ number }}
{% for line in lines %}
- {{ line.name | title }}: {{ "%.2f" | format(line.qty * line.price) }}
{% endfor %}
Total: {{ "%.2f" | format(lines | sum(attribute="total")) }}""")
lines = [{"name": "widget", "qty": 3, "price": 2.5}, {"name": "gadget", "qty": 1, "price": 10}]
for l in lines:
    l["total"] = l["qty"] * l["price"]
print(t.render(number=42, lines=lines))
