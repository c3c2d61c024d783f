# Stand-in for CPython's _testcapi C test module (the runtime is built with --disable-test-modules):
# test_sqlite3/test_dbapi.py imports these two limits unconditionally. Values for wasm32 (C int is
# 32 bits, unsigned long long 64 bits). Used only in the test_sqlite3 fidelity session.
INT_MAX = 2**31 - 1
ULLONG_MAX = 2**64 - 1
