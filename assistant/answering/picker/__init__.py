"""The extractive answerer: picking the cited sentences that answer a question."""
