import pygal
chart = pygal.Bar(title="Visits")
chart.x_labels = ["Mon", "Tue", "Wed"]
chart.add("site", [120, 98, 143])
svg = chart.render(is_unicode=True)
open("visits.svg", "w").write(svg)
print(svg.startswith("<?xml"), svg.count('class="rect reactive tooltip-trigger"'), "Visits" in svg)
