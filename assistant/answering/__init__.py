"""Answers composed from what is known of a speech: its outline and its metadata."""
