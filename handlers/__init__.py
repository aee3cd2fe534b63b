"""Slack listeners registered on a Bolt app; thin: ack, parse, call the core, render, post."""
