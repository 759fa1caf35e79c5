"""The synchronous service layer: one transaction per human action (DESIGN §5).

Used by the CLI (``sanshen/commands``) and by the web app and REST API.
"""
