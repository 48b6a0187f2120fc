"""Scheduling: FSRS memory states, study days and the study queue."""
