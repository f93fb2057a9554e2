"""The clinic's application core: configuration, accounts and the command line."""

# The public modules; the others (command_line, store_cli, logging_setup, web) serve these.
__all__ = ["account_admin", "account_cli", "accounts", "config", "runtime"]
