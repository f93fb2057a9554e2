"""The clinic's application core: configuration, accounts and the command line."""
