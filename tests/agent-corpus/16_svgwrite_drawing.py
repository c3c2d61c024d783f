import svgwrite
dwg = svgwrite.Drawing("shapes.svg", size=("200px", "100px"))
dwg.add(dwg.rect((10, 10), (80, 40), fill="steelblue"))
dwg.add(dwg.circle((150, 50), 30, fill="orange"))
dwg.add(dwg.text("hi", insert=(20, 90)))
dwg.save()
text = open("shapes.svg").read()
print(text.count("<rect"), text.count("<circle"), "steelblue" in text)
