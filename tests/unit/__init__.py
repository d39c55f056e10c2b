"""Per-layer unit tests. A package (unit.test_x), so a test module here may share its file name with one in
tests/ (tests/test_site.py and tests/unit/test_site.py) without pytest's "import file mismatch"."""
