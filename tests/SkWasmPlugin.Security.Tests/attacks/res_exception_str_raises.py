# attack: an exception whose __str__ raises and whose __repr__ loops (the report must still be written)
# expect: handled
class Evil(Exception):
    def __str__(self):
        raise RuntimeError('no message for you')
raise Evil()
