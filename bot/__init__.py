"""Back-office assistant: the channel-neutral core (store, rules, workflow, ledger) and its adapters."""

__version__ = "0.1.0"
