"""The synchronous service layer: one transaction per human action (docs/architecture.md §5).

Used by the CLI (``sanshen/commands``) and by the web app and REST API.
"""
