# attack: grow memory a megabyte at a time until something gives
# expect: memory
chunks = []
while True:
    chunks.append(bytearray(1024 * 1024))
