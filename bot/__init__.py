"""lastmile core: answering, clustering, digests and the CLI, free of Slack."""
