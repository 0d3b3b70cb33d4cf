"""A conversation's history turned into one standalone question."""
