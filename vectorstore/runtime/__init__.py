"""Process concerns of the index: read-only folders, size limits, the compute gate, file keys."""
