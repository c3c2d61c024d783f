# attack: "tar slip": extract an archive whose members are named ../../evil and /abs/evil
# expect: blocked
import io, os, tarfile, zipfile
buf = io.BytesIO()
with tarfile.open(fileobj=buf, mode='w') as tar:
    for name in ['../../evil.txt', '../../../../{{CANARY_DIR}}/evil.txt', 'ok.txt']:
        data = b'pwned'
        info = tarfile.TarInfo(name)
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
buf.seek(0)
with tarfile.open(fileobj=buf) as tar:
    for member in tar.getmembers():
        try:
            tar.extract(member, '.')
            print('extracted', member.name)
        except OSError as e:
            print('BLOCKED', member.name, e)
zbuf = io.BytesIO()
with zipfile.ZipFile(zbuf, 'w') as z:
    z.writestr('../../zip-evil.txt', 'pwned')
with zipfile.ZipFile(zbuf) as z:
    z.extractall('.')
print('zip extracted to', sorted(os.listdir('.')))
if os.path.exists('../evil.txt') or os.path.exists('../../evil.txt'):
    print('ESCAPED')
else:
    print('BLOCKED nothing landed outside /app')
