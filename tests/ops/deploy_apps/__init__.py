"""Two apps that exist only for the deploy tests: one whose migrations apply, one whose second
migration fails."""
