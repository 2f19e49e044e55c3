"""The web shell: home page, error pages, security headers, template helpers, blueprint registry."""
