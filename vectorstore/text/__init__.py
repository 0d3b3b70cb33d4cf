"""Text shared by ingest, the stores and the assistant: the tokeniser, sentences and their comparisons."""
