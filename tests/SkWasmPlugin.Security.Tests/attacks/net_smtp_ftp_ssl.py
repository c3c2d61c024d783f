# attack: other network clients: smtplib, ftplib, ssl, asyncio.open_connection
# expect: blocked
import asyncio
for module, action in [('smtplib', lambda m: m.SMTP('smtp.example.com', 25, timeout=2)),
                       ('ftplib', lambda m: m.FTP('ftp.example.com', timeout=2)),
                       ('ssl', lambda m: m.create_default_context())]:
    try:
        m = __import__(module)
        action(m)
        print('ESCAPED', module)
    except Exception as e:
        print('BLOCKED', module, type(e).__name__, e)
async def main():
    await asyncio.open_connection('example.com', 80)
try:
    asyncio.run(main())
    print('ESCAPED asyncio')
except Exception as e:
    print('BLOCKED asyncio', type(e).__name__, e)
