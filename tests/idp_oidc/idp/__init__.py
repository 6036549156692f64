"""A small OpenID provider (django-oauth-toolkit) that the portal's tests log in through."""
