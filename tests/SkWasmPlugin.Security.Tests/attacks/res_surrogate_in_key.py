# attack: a KeyError for a key made of lone surrogates, with surrogate keys around it
# expect: handled
d = {'\udcff' * 10: 1, '\ud800': 2}
d['\udcfe\udcfd']
