"""Numbers about the learner's progress (no UI)."""
