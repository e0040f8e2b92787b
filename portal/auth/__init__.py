"""Users, roles, sign-in, account requests and invitations."""
