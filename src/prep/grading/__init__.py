"""Grading: running submissions in a sandbox and judging them in the parent."""
