import xml.etree.ElementTree as ET
root = ET.fromstring("<catalog><book id='1'><price>10.5</price></book><book id='2'><price>4</price></book></catalog>")
print(sum(float(b.find("price").text) for b in root.iter("book")))
new = ET.SubElement(root, "book", id="3")
ET.SubElement(new, "price").text = "7"
print(ET.tostring(root, encoding="unicode").count("<book"))
