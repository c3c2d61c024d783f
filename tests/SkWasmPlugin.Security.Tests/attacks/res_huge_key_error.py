# attack: a KeyError whose missing key and available keys are megabytes long (report lists copied uncapped)
# expect: handled|limit
# stderr-max: 60000
d = {('k' * 1_000_000) + str(i): i for i in range(50)}
d['x' * 5_000_000]
