import yaml, toml, tomli
cfg = yaml.safe_load("""
server: {host: localhost, port: 8080}
users: [ann, bob]
""")
print(cfg["server"]["port"], cfg["users"])
t = toml.dumps({"server": cfg["server"]})
print(t.strip())
print(tomli.loads(t) == {"server": cfg["server"]})
