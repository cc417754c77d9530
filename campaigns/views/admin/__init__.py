"""Account-admin screens (sender IDs, connections, users, subaccounts, billing, HTTP log)."""
