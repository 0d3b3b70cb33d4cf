"""The hand-written word tables of question understanding, one concept a file."""
