"""The contract-test kit: checks any Autodialer server, and any client, against ``schemas/``."""
