"""Pages of the documentation site that are generated from the code itself, so that they never drift from it."""
