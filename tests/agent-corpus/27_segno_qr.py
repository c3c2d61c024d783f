import segno
qr = segno.make("https://example.org/ticket/123", error="q")
qr.save("ticket.svg", scale=4)
print(qr.version, qr.error, qr.designator)
print(open("ticket.svg").read().startswith("<?xml"))
