"""Accounts: users, password hashing and sign-in with a slow-down."""
