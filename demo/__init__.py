"""The demo: the demo web (real data standing in for the public web), its sources'
configuration and the demo accounts. Only the CLI imports it."""
