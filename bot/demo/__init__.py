"""The offline demo: a sample company, simulated employees, the real handlers on a fake Slack."""
