"""The document model (a speech: metadata plus an outline tree with exact offsets) and how a text becomes it."""
