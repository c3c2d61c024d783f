# attack: allocate 2 GB at once, then 1 GB (the memory cap is 128 MB; on wasm32 2 GB does not even fit an index)
# expect: memory
try:
    buf = bytearray(2 * 1024**3)
    print('ESCAPED', len(buf))
except (OverflowError, MemoryError) as e:
    print('2 GB refused:', type(e).__name__, e)
buf = bytearray(1024**3)
print('ESCAPED', len(buf))
