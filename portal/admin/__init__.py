"""Institution administration: verifying account requests, inviting people, disabling accounts."""
