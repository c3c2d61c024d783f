# attack: an exception message and file name holding lone surrogates (what os.listdir gives for non-UTF-8 names)
# expect: handled
# output-has: FileNotFoundError
raise FileNotFoundError(2, 'missing \udcff\udc80', '/app/\udcff.txt')
