"""Query groups that make up the Store."""
