"""tanxin-rules: heart-to-heart talk (談心談話) systems as data."""
