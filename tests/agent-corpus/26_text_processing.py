import textwrap, difflib, unicodedata
from unidecode import unidecode
text = "Déjà vu: the quick brown fox jumps over the lazy dog, again and again and again."
print(textwrap.fill(text, width=30))
print(unidecode(text)[:20], unicodedata.name("é"))
a, b = "kitten sitting".split()
print(round(difflib.SequenceMatcher(None, a, b).ratio(), 3))
print(list(difflib.unified_diff(["a", "b", "c"], ["a", "c", "d"], lineterm="")))
