# attack: raise an exception with a 30 MB message to blow up the result (the report and guidance must stay small)
# expect: handled
# stderr-max: 40000
raise AssertionError('A' * 30_000_000)
