"""Team mode of `reportgen serve`: named users with roles, sessions, an audit trail and login through the
municipality's identity provider, instead of the one printed token (`--adgang konti` or `--adgang oidc`)."""
