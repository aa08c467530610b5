"""Accounts: API tokens for programs, profile pages, and the sign-in extras (lockout, OIDC)."""
