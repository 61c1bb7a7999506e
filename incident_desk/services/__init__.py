"""Floor 3: use cases with permission checks; plain Python, no Qt."""
