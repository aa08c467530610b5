"""The limits every search input is held to before it reaches a parser or the database."""

MAX_LIMIT = 1_000
MAX_IDS = 1_000
MAX_COLLECTIONS = 100
MAX_VERTICES = 10_000
MAX_QUERY_STRING = 16 * 1024
