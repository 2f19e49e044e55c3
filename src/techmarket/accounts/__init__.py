"""Accounts: users, roles, sign-in, email confirmation, password reset."""
