import hashlib, base64, zlib, json
payload = json.dumps({"k": list(range(20))}).encode()
print(hashlib.sha256(payload).hexdigest()[:16], zlib.crc32(payload))
packed = base64.b64encode(zlib.compress(payload, 9)).decode()
print(len(packed), json.loads(zlib.decompress(base64.b64decode(packed)))["k"][-1])
